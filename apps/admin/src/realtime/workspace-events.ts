import {
  RealtimeEvent,
  workspaceAgentsChannel,
  workspaceChannel,
  type AgentPresenceInfo,
  type RealtimeEventMap,
  type RealtimeEventName,
} from '@switchboard/contracts';
import type { PresenceCallbacks } from '@/realtime/realtime-client';
import { useConversationsStore } from '@/stores/use-conversations-store';
import { usePresenceStore } from '@/stores/use-presence-store';
import { useSessionsStore } from '@/stores/use-sessions-store';
import { useThreadStore } from '@/stores/use-thread-store';

type Listen = <E extends RealtimeEventName>(
  channel: string,
  event: E,
  callback: (payload: RealtimeEventMap[E]) => void,
) => () => void;

type Join = <Member>(channel: string, callbacks: PresenceCallbacks<Member>) => () => void;

type Handlers = { [E in RealtimeEventName]?: (payload: RealtimeEventMap[E]) => void };

/**
 * The one map from the workspace channel's events to the stores that keep each page live. A new
 * live page adds its events here rather than listening on its own.
 */
function workspaceHandlers(): Handlers {
  const sessions = useSessionsStore();
  const conversations = useConversationsStore();
  const thread = useThreadStore();
  return {
    [RealtimeEvent.SESSION_STATUS_CHANGED]: sessions.applyStatus,
    [RealtimeEvent.QR_CODE_GENERATED]: sessions.applyQrCode,
    [RealtimeEvent.PAIRING_CODE_GENERATED]: sessions.applyPairingCode,
    // The list first: it may learn the contact the thread needs to recognise.
    [RealtimeEvent.MESSAGE_RECEIVED]: (payload) => {
      conversations.applyMessageReceived(payload);
      thread.applyMessageReceived(payload);
    },
    [RealtimeEvent.CONVERSATION_READ]: conversations.applyConversationRead,
    [RealtimeEvent.MESSAGE_STATUS_UPDATED]: (payload) => {
      thread.applyStatusUpdated(payload);
      conversations.applyStatusUpdated(payload, thread.uuidOf(payload.message_id));
    },
  };
}

/**
 * Listens to every mapped event of `private-workspace.{id}` and, with `join`, joins the
 * workspace's agents presence channel (who is online); returns the way to stop.
 */
export function listenToWorkspace(listen: Listen, workspaceId: number, join?: Join): () => void {
  const channel = workspaceChannel(workspaceId);
  const handlers = workspaceHandlers();
  const stops = (Object.keys(handlers) as RealtimeEventName[]).map((event) =>
    listen(channel, event, (payload) =>
      (handlers[event] as ((p: typeof payload) => void) | undefined)?.(payload),
    ),
  );
  if (join) {
    const presence = usePresenceStore();
    presence.reset();
    stops.push(
      join<AgentPresenceInfo>(workspaceAgentsChannel(workspaceId), {
        here: presence.applyHere,
        joining: presence.applyJoining,
        leaving: presence.applyLeaving,
      }),
      presence.reset,
    );
  }
  return () => stops.forEach((stop) => stop());
}
