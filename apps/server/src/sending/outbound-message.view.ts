import type { MessageDeliveryView, OutboundMessageView } from '@switchboard/contracts';
import { toMessageView } from '../inbox/message-view';
import type { Chat } from '../messaging/chat.entity';

/** A message sent from Switchboard, as the send API answers it. */
export function toOutboundView(chat: Chat, sessionUuids: Map<number, string>): OutboundMessageView {
  const view = toMessageView(
    {
      id: chat.id,
      uuid: chat.uuid,
      whatsapp_session_id: chat.whatsappSessionId,
      wam_id: chat.wamId,
      type: chat.type,
      metadata: chat.metadata,
      message_status: chat.messageStatus,
      is_read: chat.isRead,
      idempotency_key: chat.idempotencyKey,
      created_at: chat.createdAt,
    },
    sessionUuids,
  );
  return { ...view, delivery: view.delivery ?? notSentFromSwitchboard(chat.idempotencyKey) };
}

function notSentFromSwitchboard(idempotencyKey: string | null): MessageDeliveryView {
  return {
    idempotency_key: idempotencyKey,
    error: null,
    attempts: [],
    failed_over_from: null,
    retries: 0,
  };
}
