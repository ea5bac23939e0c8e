import type { PlatformHealthView } from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { messageOf } from '@/api/http';
import * as platformApi from '@/api/platform';

/**
 * The platform health report. It is read again when a number changes status (platform channel)
 * and on request; reads never overlap, and events during one cause one more read after it.
 */
export const usePlatformHealthStore = defineStore('platform-health', () => {
  const health = ref<PlatformHealthView | null>(null);
  const loadError = ref<string | null>(null);
  const refreshing = ref(false);
  let running: Promise<void> | null = null;
  let again = false;

  function refresh(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    refreshing.value = true;
    running = platformApi
      .getPlatformHealth()
      .then((view) => {
        health.value = view;
        loadError.value = null;
      })
      .catch((error: unknown) => {
        loadError.value = messageOf(error);
      })
      .finally(() => {
        running = null;
        refreshing.value = false;
        if (again) {
          again = false;
          void refresh();
        }
      });
    return running;
  }

  /** A number changed status somewhere: the counts by status are stale. */
  function applySessionStatus(): void {
    if (health.value) void refresh();
  }

  return { health, loadError, refreshing, refresh, applySessionStatus };
});
