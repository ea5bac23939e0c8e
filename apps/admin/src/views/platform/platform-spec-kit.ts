import type {
  PlatformHealthView,
  PlatformSessionView,
  RealtimeEventMap,
  RealtimeEventName,
  SubscriptionPlanView,
} from '@switchboard/contracts';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { vi } from 'vitest';
import { useRealtimeStore } from '@/stores/use-realtime-store';
import { useSessionStore } from '@/stores/use-session-store';

// Factories and a signed-in platform admin for the platform pages' specs.

type Listener = (payload: never) => void;

export interface PlatformWorld {
  pinia: Pinia;
  /** Delivers an event as the realtime client would, to every listener of that channel. */
  emit<E extends RealtimeEventName>(channel: string, event: E, payload: RealtimeEventMap[E]): void;
  /** Channels with at least one listener now. */
  listening(): string[];
}

/** A fresh pinia with a platform admin (or not) signed in, and a realtime store that records listeners. */
export function platformAdminSignedIn(isPlatformAdmin = true): PlatformWorld {
  const pinia = createPinia();
  setActivePinia(pinia);
  const session = useSessionStore();
  session.$patch({
    user: {
      id: 1,
      email: 'root@example.test',
      name: 'Root',
      is_platform_admin: isPlatformAdmin,
      locale: null,
    },
    workspaces: [{ id: 1, uuid: 'ws-uuid', name: 'Shop', role: 'owner' }],
    currentWorkspaceId: 1,
  } as unknown as Parameters<typeof session.$patch>[0]);
  const listeners = new Map<string, Set<{ event: string; callback: Listener }>>();
  vi.spyOn(useRealtimeStore(), 'listen').mockImplementation((channel, event, callback) => {
    const entry = { event, callback: callback as Listener };
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(entry);
    return () => listeners.get(channel)?.delete(entry);
  });
  return {
    pinia,
    emit(channel, event, payload) {
      for (const entry of listeners.get(channel) ?? [])
        if (entry.event === event) (entry.callback as (p: typeof payload) => void)(payload);
    },
    listening: () => [...listeners].filter(([, set]) => set.size > 0).map(([name]) => name),
  };
}

let ids = 0;

export function aPlan(overrides: Partial<SubscriptionPlanView> = {}): SubscriptionPlanView {
  ids += 1;
  return {
    id: ids,
    uuid: `plan-${ids}`,
    name: `Plan ${ids}`,
    price: '49.00',
    period: 'monthly',
    status: 'active',
    max_whatsapp_numbers: 3,
    workspaces_count: 2,
    updated_at: null,
    ...overrides,
  };
}

export function aPlatformSession(
  overrides: Partial<PlatformSessionView> = {},
): PlatformSessionView {
  ids += 1;
  return {
    uuid: `session-${ids}`,
    workspace_id: 1,
    workspace_name: 'Acme',
    phone_number: '+6281234567890',
    name: null,
    provider_type: 'webjs',
    status: 'connected',
    disconnect_reason: null,
    engine_id: 'engine-1',
    last_connected_at: '2026-11-25T08:00:00.000Z',
    created_at: '2026-11-20T08:00:00.000Z',
    ...overrides,
  };
}

export function aHealthView(overrides: Partial<PlatformHealthView> = {}): PlatformHealthView {
  return {
    numbers_by_status: {
      initializing: 0,
      qr_scanning: 1,
      authenticated: 0,
      connected: 4,
      reconnecting: 0,
      disconnected: 2,
      failed: 0,
      banned: 0,
    },
    numbers_total: 7,
    messages_today: { inbound: 30, outbound: 12, total: 42 },
    since: '2026-11-25T00:00:00.000Z',
    queues: [{ name: 'sends', waiting: 5, active: 1, delayed: 0, failed: 2 }],
    engine: {
      status: 'up',
      engine_id: 'engine-1',
      sessions: { total: 5, running: 4, max: 50 },
      memory: { rss_mb: 812, heap_used_mb: 96 },
    },
    engines: [],
    generated_at: '2026-11-25T09:00:00.000Z',
    ...overrides,
  };
}
