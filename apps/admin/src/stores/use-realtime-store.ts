import type { BroadcastDriver, RealtimeEventMap, RealtimeEventName } from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  RealtimeClient,
  type PresenceCallbacks,
  type RealtimeState,
} from '@/realtime/realtime-client';

/** How long a first connection may take before the page says realtime is down. */
const RETRY_CONFIG_MS = 5_000;

/**
 * The page's one realtime connection, for the signed-in user. Views listen through `listen`;
 * the client keeps their listeners across reconnects and broadcast-driver switches.
 */
export const useRealtimeStore = defineStore('realtime', () => {
  const state = ref<RealtimeState | 'off'>('off');
  const driver = ref<BroadcastDriver | null>(null);
  /** True once connected at least once since sign-in: later drops are shown as "lost". */
  const wasConnected = ref(false);
  let client: RealtimeClient | null = null;
  let userId: number | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  function connect(forUser: number): void {
    if (client && userId === forUser) return;
    disconnect();
    userId = forUser;
    client = new RealtimeClient({
      baseUrl: '',
      userId: forUser,
      onStateChange: (next, active) => {
        state.value = next;
        driver.value = active;
        if (next === 'connected') wasConnected.value = true;
      },
    });
    start(client);
  }

  /** The config request can fail while the server restarts: try again until it answers. */
  function start(target: RealtimeClient): void {
    target.start().catch(() => {
      if (client !== target) return;
      state.value = 'unavailable';
      retry = setTimeout(() => start(target), RETRY_CONFIG_MS);
    });
  }

  function disconnect(): void {
    if (retry) clearTimeout(retry);
    retry = null;
    client?.stop();
    client = null;
    userId = null;
    state.value = 'off';
    driver.value = null;
    wasConnected.value = false;
  }

  function listen<E extends RealtimeEventName>(
    channel: string,
    event: E,
    callback: (payload: RealtimeEventMap[E]) => void,
  ): () => void {
    if (!client) throw new Error('realtime is not connected: sign in first');
    return client.listen(channel, event, callback);
  }

  /** Joins a presence channel; the client keeps it joined across reconnects. */
  function join<Member>(channel: string, callbacks: PresenceCallbacks<Member>): () => void {
    if (!client) throw new Error('realtime is not connected: sign in first');
    return client.join(channel, callbacks);
  }

  /** `X-Socket-Id` for API calls whose own broadcast this page should not receive. */
  function socketId(): string | undefined {
    return client?.socketId;
  }

  return { state, driver, wasConnected, connect, disconnect, listen, join, socketId };
});
