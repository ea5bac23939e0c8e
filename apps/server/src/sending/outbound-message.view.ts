import type { InboxMediaView, OutboundMessageView } from '@switchboard/contracts';
import type { Chat } from '../messaging/chat.entity';
import { deliveryView, parseMetadata } from './outbound-metadata';

/** A message sent from Switchboard, as the send API answers it. */
export function toOutboundView(chat: Chat, sessionUuids: Map<number, string>): OutboundMessageView {
  const metadata = parseMetadata(chat.metadata);
  const media = metadata.media as Partial<InboxMediaView> | null | undefined;
  return {
    id: Number(chat.id),
    uuid: chat.uuid,
    direction: 'outbound',
    type: typeof metadata.type === 'string' ? metadata.type : null,
    body: typeof metadata.body === 'string' ? metadata.body : '',
    media: media
      ? {
          mimetype: media.mimetype ?? null,
          filename: media.filename ?? null,
          size: media.size ?? null,
          provider_media_id: media.provider_media_id ?? null,
          voice: media.voice === true,
        }
      : null,
    status: chat.messageStatus,
    is_read: true,
    provider_message_id: chat.wamId,
    session_uuid:
      chat.whatsappSessionId === null
        ? null
        : (sessionUuids.get(Number(chat.whatsappSessionId)) ?? null),
    sender_name: null,
    edited: false,
    revoked: metadata.revoked === true,
    created_at: new Date(chat.createdAt).toISOString(),
    delivery: deliveryView(metadata, chat.idempotencyKey) ?? {
      idempotency_key: chat.idempotencyKey,
      error: null,
      attempts: [],
      failed_over_from: null,
      retries: 0,
    },
  };
}
