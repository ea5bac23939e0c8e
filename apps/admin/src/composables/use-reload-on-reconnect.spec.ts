import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useRealtimeStore } from '@/stores/use-realtime-store';
import { useReloadOnReconnect } from './use-reload-on-reconnect';

describe('useReloadOnReconnect', () => {
  it('reads a loaded page again when the connection comes back, and only then', async () => {
    setActivePinia(createPinia());
    const realtime = useRealtimeStore();
    let loaded = false;
    const reload = vi.fn(() => Promise.resolve());
    useReloadOnReconnect(() => loaded, reload);

    realtime.state = 'connected';
    await nextTick();
    expect(reload).not.toHaveBeenCalled(); // nothing loaded yet: nothing to read again

    loaded = true;
    realtime.state = 'unavailable';
    await nextTick();
    expect(reload).not.toHaveBeenCalled();
    realtime.state = 'connected';
    await nextTick();
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
