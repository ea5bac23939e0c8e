import type { PlatformSessionView, SessionStatusChangedPayload } from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { messageOf } from '@/api/http';
import * as platformApi from '@/api/platform';

/** Workspace name, then phone, so a workspace's numbers stay together. */
function byWorkspaceThenPhone(a: PlatformSessionView, b: PlatformSessionView): number {
  return (
    a.workspace_name.localeCompare(b.workspace_name) ||
    a.workspace_id - b.workspace_id ||
    (a.phone_number ?? '').localeCompare(b.phone_number ?? '') ||
    a.created_at.localeCompare(b.created_at)
  );
}

/**
 * Every linked number of every workspace, kept live from the platform channel: a status event
 * updates its row at once; one about a number this page does not know (new, or deleted) reads
 * the list again.
 */
export const usePlatformSessionsStore = defineStore('platform-sessions', () => {
  const items = ref<PlatformSessionView[]>([]);
  const loaded = ref(false);
  const loadError = ref<string | null>(null);
  let refreshing: Promise<void> | null = null;
  let again = false;

  const sessions = computed(() => [...items.value].sort(byWorkspaceThenPhone));

  async function load(): Promise<void> {
    loadError.value = null;
    try {
      items.value = await platformApi.listAllSessions();
      loaded.value = true;
    } catch (error) {
      loadError.value = messageOf(error);
    }
  }

  /** Reads the list again quietly; events during a read cause one more read after it. */
  function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = platformApi
      .listAllSessions()
      .then((list) => {
        items.value = list;
      })
      .catch(() => undefined) // the list stays as it was; the next event tries again
      .finally(() => {
        refreshing = null;
        if (again) {
          again = false;
          void refresh();
        }
      });
    return refreshing;
  }

  function applyStatus(payload: SessionStatusChangedPayload): void {
    if (!loaded.value) return;
    const row = items.value.find((s) => s.uuid === payload.session_uuid);
    if (!row) {
      void refresh();
      return;
    }
    row.status = payload.status;
    row.phone_number = payload.phone_number ?? row.phone_number;
    row.disconnect_reason = payload.reason ?? null;
    if (payload.engine_id) row.engine_id = payload.engine_id;
    if (payload.status === 'connected') row.last_connected_at = payload.at;
    // A deleted number says "disconnected by the user" as its last word.
    if (payload.status === 'disconnected' && payload.reason === 'user_initiated') void refresh();
  }

  return { items, sessions, loaded, loadError, load, refresh, applyStatus };
});
