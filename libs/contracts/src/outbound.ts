import type { InboxMessageView } from './inbox-api';
import type { ProviderType } from './session-status';

/**
 * Sending: an agent's reply (`POST /api/conversations/{contact uuid}/messages`), the provider
 * capabilities and the reasons a send can fail. A send is written as a `pending` message first;
 * a job delivers it through the number the selector picks, and its status moves forward from
 * there (`message.status.updated`).
 */

/** What a provider can do. An operation outside an adapter's capabilities is refused with 422. */
export const PROVIDER_CAPABILITIES = ['text', 'media', 'template', 'mark_read', 'group'] as const;
export type ProviderCapability = (typeof PROVIDER_CAPABILITIES)[number];

/**
 * Why a send did not go out, kept on the message (`error.code`) and answered as
 * `error.details.reason`. The HTTP status of each is in {@link WHATSAPP_ERROR_STATUS}.
 */
export enum WhatsAppErrorCode {
  /** The provider cannot do this at all (a template through WhatsApp Web, a group on Meta). */
  CAPABILITY_NOT_SUPPORTED = 'CAPABILITY_NOT_SUPPORTED',
  /** Meta: the customer has not written to this number in the last 24 hours; only templates. */
  OUTSIDE_CUSTOMER_WINDOW = 'OUTSIDE_CUSTOMER_WINDOW',
  RATE_LIMITED = 'RATE_LIMITED',
  /** Not a WhatsApp user, or not a valid number. */
  INVALID_RECIPIENT = 'INVALID_RECIPIENT',
  /** The template does not exist, is not approved in that language, or its parameters do not fit. */
  TEMPLATE_REJECTED = 'TEMPLATE_REJECTED',
  /** The media could not be fetched, or its type or size is not accepted. */
  MEDIA_REJECTED = 'MEDIA_REJECTED',
  /** A received message's media is no longer held by the provider (expired or deleted). */
  MEDIA_UNAVAILABLE = 'MEDIA_UNAVAILABLE',
  /** The number is not connected (WhatsApp Web) or has no usable credentials stored. */
  NUMBER_NOT_CONNECTED = 'NUMBER_NOT_CONNECTED',
  /** Meta refused the number's access token (expired or revoked). */
  CREDENTIALS_REJECTED = 'CREDENTIALS_REJECTED',
  /** The provider did not answer or answered with a server error; worth trying again. */
  PROVIDER_UNAVAILABLE = 'PROVIDER_UNAVAILABLE',
  /** No number of the workspace can carry this message now. */
  NO_NUMBER_AVAILABLE = 'NO_NUMBER_AVAILABLE',
  /** Anything else the provider refused, with its own message. */
  PROVIDER_ERROR = 'PROVIDER_ERROR',
}

export const WHATSAPP_ERROR_STATUS: Record<WhatsAppErrorCode, number> = {
  [WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED]: 422,
  [WhatsAppErrorCode.OUTSIDE_CUSTOMER_WINDOW]: 422,
  [WhatsAppErrorCode.RATE_LIMITED]: 429,
  [WhatsAppErrorCode.INVALID_RECIPIENT]: 422,
  [WhatsAppErrorCode.TEMPLATE_REJECTED]: 422,
  [WhatsAppErrorCode.MEDIA_REJECTED]: 422,
  [WhatsAppErrorCode.MEDIA_UNAVAILABLE]: 410,
  [WhatsAppErrorCode.NUMBER_NOT_CONNECTED]: 409,
  [WhatsAppErrorCode.CREDENTIALS_REJECTED]: 502,
  [WhatsAppErrorCode.PROVIDER_UNAVAILABLE]: 503,
  [WhatsAppErrorCode.NO_NUMBER_AVAILABLE]: 409,
  [WhatsAppErrorCode.PROVIDER_ERROR]: 502,
};

/**
 * Failures that belong to the number, not to the message: another number may carry the same
 * message. Anything else (a bad recipient, a rejected template) fails the same way everywhere.
 */
export const FAILOVER_ERRORS: ReadonlySet<WhatsAppErrorCode> = new Set([
  WhatsAppErrorCode.NUMBER_NOT_CONNECTED,
  WhatsAppErrorCode.CREDENTIALS_REJECTED,
  WhatsAppErrorCode.PROVIDER_UNAVAILABLE,
  WhatsAppErrorCode.RATE_LIMITED,
  WhatsAppErrorCode.OUTSIDE_CUSTOMER_WINDOW,
  WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED,
]);

/** Failures worth the same number trying again later. */
export const RETRYABLE_ERRORS: ReadonlySet<WhatsAppErrorCode> = new Set([
  WhatsAppErrorCode.PROVIDER_UNAVAILABLE,
  WhatsAppErrorCode.RATE_LIMITED,
]);

export const OUTBOUND_MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type OutboundMediaKind = (typeof OUTBOUND_MEDIA_KINDS)[number];

/** Media by public link (the provider fetches it) or uploaded with the request (base64). */
export interface OutboundMedia {
  kind: OutboundMediaKind;
  url?: string;
  base64?: string;
  /** Required with `base64`. */
  mimetype?: string;
  filename?: string;
  caption?: string;
}

/** A pre-approved Meta template; parameters fill `{{1}}`, `{{2}}`, … in order. */
export interface OutboundTemplate {
  name: string;
  /** Meta's language code, e.g. `en_US`, `id`. */
  language: string;
  header_parameters?: string[];
  body_parameters?: string[];
}

export const OUTBOUND_TYPES = ['text', 'media', 'template'] as const;
export type OutboundType = (typeof OUTBOUND_TYPES)[number];

export type OutboundContent =
  | { type: 'text'; text: string }
  | { type: 'media'; media: OutboundMedia }
  | { type: 'template'; template: OutboundTemplate };

export const OUTBOUND_TEXT_MAX = 4096;

/** `POST /api/conversations/{contact uuid}/messages`. */
export type SendMessageRequest = OutboundContent & {
  /**
   * Chosen by the client per message (a UUID): the same key sent again answers the message
   * already made instead of sending twice.
   */
  idempotency_key: string;
  /** The number to send from; by default the number the customer last wrote to. */
  session_uuid?: string;
  /** The inbox message (uuid) this replies to. */
  quoted_message_uuid?: string;
  /** Let another number carry it when the chosen one cannot (default true). */
  allow_failover?: boolean;
};

/** One try of a send through one number, kept on the message. */
export interface SendAttemptView {
  session_uuid: string;
  provider_type: ProviderType;
  at: string;
  /** Null for the try that went out. */
  error: { code: WhatsAppErrorCode; message: string } | null;
}

/** How an outbound message sent from Switchboard went; null on other messages. */
export interface MessageDeliveryView {
  idempotency_key: string | null;
  /** Why it failed, for `failed`. */
  error: { code: WhatsAppErrorCode; message: string } | null;
  /** Every number tried, in order; more than one means it failed over. */
  attempts: SendAttemptView[];
  /** The number the message was meant for, when another number carried it. */
  failed_over_from: string | null;
  /** How many times a user asked to send it again after it failed. */
  retries: number;
}

/** An outbound message as the send API answers it. */
export interface OutboundMessageView extends InboxMessageView {
  delivery: MessageDeliveryView;
}

/** Health of one number, as the selector and the `numbers:health` command see it. */
export interface NumberHealthView {
  session_uuid: string;
  workspace_id: number;
  phone_number: string | null;
  provider_type: ProviderType;
  status: string;
  /** 0–100; the selector passes over numbers below {@link HEALTHY_SCORE}. */
  health_score: number;
  sends_24h: number;
  failures_24h: number;
  disconnects_24h: number;
  last_activity_at: string | null;
}

export const HEALTHY_SCORE = 50;
