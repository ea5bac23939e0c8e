import {
  RealtimeEvent,
  workspaceChannel,
  type RealtimeEventMap,
  type RealtimeEventName,
} from '@switchboard/contracts';
import { useSessionsStore } from '@/stores/use-sessions-store';

type Listen = <E extends RealtimeEventName>(
  channel: string,
  event: E,
  callback: (payload: RealtimeEventMap[E]) => void,
) => () => void;

type Handlers = { [E in RealtimeEventName]?: (payload: RealtimeEventMap[E]) => void };

/**
 * The one map from the workspace channel's events to the stores that keep each page live. A new
 * live page adds its events here rather than listening on its own.
 */
function workspaceHandlers(): Handlers {
  const sessions = useSessionsStore();
  return {
    [RealtimeEvent.SESSION_STATUS_CHANGED]: sessions.applyStatus,
    [RealtimeEvent.QR_CODE_GENERATED]: sessions.applyQrCode,
    [RealtimeEvent.PAIRING_CODE_GENERATED]: sessions.applyPairingCode,
  };
}

/** Listens to every mapped event of `private-workspace.{id}`; returns the way to stop. */
export function listenToWorkspace(listen: Listen, workspaceId: number): () => void {
  const channel = workspaceChannel(workspaceId);
  const handlers = workspaceHandlers();
  const stops = (Object.keys(handlers) as RealtimeEventName[]).map((event) =>
    listen(channel, event, (payload) =>
      (handlers[event] as ((p: typeof payload) => void) | undefined)?.(payload),
    ),
  );
  return () => stops.forEach((stop) => stop());
}
