import {
  WhatsAppErrorCode,
  type MessageDeliveryView,
  type OutboundContent,
  type SendAttemptView,
} from '@switchboard/contracts';

/**
 * What the send job needs, kept in the message's `metadata` (JSON text, as Blazz stores it)
 * under `send`, next to Blazz's own keys (`body`, `type`, `media`, …) that every reader of
 * `chats` already understands.
 */
export interface StoredSend {
  content: OutboundContent;
  allow_failover: boolean;
  /** The number the message was meant for (`whatsapp_sessions.id`). */
  intended_session_id: number;
  intended_session_uuid: string;
  quoted_provider_message_id: string | null;
  attempts: SendAttemptView[];
  failed_over_from: string | null;
  retries: number;
}

export interface OutboundMetadata extends Record<string, unknown> {
  send: StoredSend;
  error?: { code: WhatsAppErrorCode; message: string };
}

/** Blazz's keys for an outbound message, plus the send. */
export function outboundMetadata(
  send: StoredSend,
  parties: { from: string | null; to: string; isGroup: boolean },
): OutboundMetadata {
  const { content } = send;
  return {
    body: bodyOf(content),
    type: content.type === 'media' ? content.media.kind : content.type,
    has_media: content.type === 'media',
    media:
      content.type === 'media'
        ? {
            url: content.media.url ?? null,
            mimetype: content.media.mimetype ?? null,
            filename: content.media.filename ?? null,
            size: null,
            provider_media_id: null,
            voice: false,
          }
        : null,
    ...(content.type === 'template' ? { template: content.template } : {}),
    from: parties.from,
    to: parties.to,
    timestamp: Math.floor(Date.now() / 1000),
    is_group: parties.isGroup,
    quoted_message_id: send.quoted_provider_message_id,
    device_source: 'switchboard',
    send,
  };
}

/** The text an agent reads in the thread: the text, the caption, or the template and its values. */
function bodyOf(content: OutboundContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'media':
      return content.media.caption ?? '';
    case 'template': {
      const values = content.template.body_parameters ?? [];
      return `${content.template.name}${values.length ? `: ${values.join(' · ')}` : ''}`;
    }
  }
}

/** The send stored on a message, or null for a message that was not sent from Switchboard. */
export function storedSend(metadata: Record<string, unknown>): StoredSend | null {
  const send = metadata.send;
  return typeof send === 'object' && send !== null && 'content' in send
    ? (send as StoredSend)
    : null;
}

export function deliveryView(
  metadata: Record<string, unknown>,
  idempotencyKey: string | null,
): MessageDeliveryView | null {
  const send = storedSend(metadata);
  if (!send) return null;
  return {
    idempotency_key: idempotencyKey,
    error: deliveryError(metadata.error),
    attempts: send.attempts,
    failed_over_from: send.failed_over_from,
    retries: send.retries,
  };
}

/**
 * The send job keeps `{code, message}` with a WhatsAppErrorCode; a failure Meta reports later by
 * webhook keeps Meta's `{code: number, title, message}`.
 */
function deliveryError(error: unknown): MessageDeliveryView['error'] {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, title } = error as { code?: unknown; message?: unknown; title?: unknown };
  if (typeof code === 'string' && (Object.values(WhatsAppErrorCode) as string[]).includes(code)) {
    return { code: code as WhatsAppErrorCode, message: typeof message === 'string' ? message : '' };
  }
  const text = [title, message].filter((part) => typeof part === 'string' && part).join(': ');
  return {
    code: WhatsAppErrorCode.PROVIDER_ERROR,
    message: text || 'The provider reported a failure',
  };
}
