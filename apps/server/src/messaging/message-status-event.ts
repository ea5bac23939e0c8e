import {
  RealtimeEvent,
  workspaceChannel,
  workspaceChatChannel,
  type MessageStatus,
} from '@switchboard/contracts';
import type { BroadcasterService } from '../realtime/broadcaster.service';
import type { Chat } from './chat.entity';

/**
 * Tells the workspace and the conversation's channel that a message moved to `status`: one shape
 * for every source (a send job, an engine ack, a Meta status webhook).
 */
export function broadcastMessageStatus(
  broadcaster: BroadcasterService,
  chat: Pick<Chat, 'id' | 'workspaceId' | 'contactId'>,
  providerMessageId: string | null,
  status: MessageStatus,
): Promise<void> {
  const workspaceId = Number(chat.workspaceId);
  const contactId = Number(chat.contactId);
  return broadcaster.broadcast(
    [workspaceChannel(workspaceId), workspaceChatChannel(workspaceId, contactId)],
    RealtimeEvent.MESSAGE_STATUS_UPDATED,
    {
      workspace_id: workspaceId,
      contact_id: contactId,
      message_id: Number(chat.id),
      provider_message_id: providerMessageId,
      status,
      at: new Date().toISOString(),
    },
  );
}
