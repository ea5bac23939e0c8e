import { watch } from 'vue';
import { useRealtimeStore } from '@/stores/use-realtime-store';

/**
 * Events sent while the realtime connection was down are lost: once it is back, a page that
 * had loaded reads its data again.
 */
export function useReloadOnReconnect(loaded: () => boolean, reload: () => Promise<unknown>): void {
  const realtime = useRealtimeStore();
  watch(
    () => realtime.state,
    (state, before) => {
      if (state === 'connected' && before !== 'connected' && loaded()) void reload();
    },
  );
}
