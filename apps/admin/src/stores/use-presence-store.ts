import type { AgentPresenceInfo } from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** Who of the workspace has Switchboard open now (`presence-workspace.{id}.agents`). */
export const usePresenceStore = defineStore('presence', () => {
  const members = ref<AgentPresenceInfo[]>([]);
  /** False until the channel said who is here. */
  const known = ref(false);

  const online = computed(() => [...members.value].sort((a, b) => a.name.localeCompare(b.name)));

  function isOnline(userId: number): boolean {
    return members.value.some((m) => m.id === userId);
  }

  function applyHere(list: AgentPresenceInfo[]): void {
    // One entry per user, however many tabs they have open.
    members.value = [...new Map(list.map((m) => [m.id, m])).values()];
    known.value = true;
  }

  function applyJoining(member: AgentPresenceInfo): void {
    if (!isOnline(member.id)) members.value.push(member);
  }

  function applyLeaving(member: AgentPresenceInfo): void {
    members.value = members.value.filter((m) => m.id !== member.id);
  }

  function reset(): void {
    members.value = [];
    known.value = false;
  }

  return { members, online, known, isOnline, applyHere, applyJoining, applyLeaving, reset };
});
