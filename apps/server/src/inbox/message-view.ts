import type {
  InboxMediaView,
  InboxMessageView,
  MessageDirection,
  MessageStatus,
} from '@switchboard/contracts';
import { dbDate } from '../database/db-date';
import { parseChatMetadata } from '../messaging/chat-metadata';
import { deliveryView } from '../sending/outbound-metadata';

/** The columns of a `chats` row a message view is made from, as a raw query returns them. */
export interface ChatMessageRow {
  id: number | string;
  uuid: string;
  whatsapp_session_id: number | string | null;
  wam_id: string | null;
  type: MessageDirection | null;
  metadata: string | null;
  message_status: MessageStatus | null;
  is_read: number | boolean | string;
  idempotency_key: string | null;
  created_at: Date | string;
}

export function bodyOf(metadata: Record<string, unknown>): string {
  if (typeof metadata.body === 'string') return metadata.body;
  // Blazz's own rows keep Meta's shape: { text: { body } } or a media caption.
  const text = metadata.text as { body?: unknown } | undefined;
  return typeof text?.body === 'string' ? text.body : '';
}

function mediaOf(metadata: Record<string, unknown>): InboxMediaView | null {
  const media = metadata.media;
  if (typeof media !== 'object' || media === null) return null;
  const m = media as Record<string, unknown>;
  return {
    mimetype: stringOrNull(m.mimetype),
    filename: stringOrNull(m.filename),
    size: typeof m.size === 'number' ? m.size : null,
    provider_media_id: stringOrNull(m.provider_media_id),
    voice: m.voice === true,
  };
}

/** One message of a thread, whichever way it went and whoever wrote it. */
export function toMessageView(
  row: ChatMessageRow,
  sessionUuids: Map<number, string>,
): InboxMessageView {
  const metadata = parseChatMetadata(row.metadata);
  const direction = row.type ?? 'inbound';
  return {
    id: Number(row.id),
    uuid: row.uuid,
    direction,
    type: stringOrNull(metadata.type),
    body: bodyOf(metadata),
    media: mediaOf(metadata),
    status: row.message_status,
    is_read: direction === 'outbound' || Number(row.is_read) === 1 || row.is_read === true,
    provider_message_id: row.wam_id,
    session_uuid:
      row.whatsapp_session_id === null
        ? null
        : (sessionUuids.get(Number(row.whatsapp_session_id)) ?? null),
    sender_name: stringOrNull(metadata.sender_name),
    edited: typeof metadata.edited_at === 'string',
    revoked: metadata.revoked === true,
    created_at: dbDate(row.created_at).toISOString(),
    delivery: deliveryView(metadata, row.idempotency_key),
  };
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
