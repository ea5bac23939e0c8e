import type { FakeMetaStatusError } from './fake-meta-graph.errors';
import type { FakeMetaMediaType } from './fake-meta-graph.media';

export type { FakeMetaMediaType } from './fake-meta-graph.media';
export type { FakeMetaStatusError, FakeMetaGraphErrorBody } from './fake-meta-graph.errors';
export type { WebhookValue as FakeMetaWebhookValue } from './fake-meta-graph.webhooks';

export interface FakeMetaGraphApiOptions {
  /** Graph API version path segment, `v21.0` by default; other versions are refused (code 2500). */
  version?: string;
  /** The app secret that signs webhook deliveries; random when not given. */
  appSecret?: string;
  /** Where webhook helpers POST when a call names no URL. */
  webhookUrl?: string;
  /** The fake's clock in ms: decides the 24-hour window, throttling and media URL expiry. */
  now?: () => number;
}

export interface FakeMetaPhoneNumber {
  phoneNumberId: string;
  wabaId: string;
  /** As Meta shows it, e.g. `+1 555-010-0001`; digits only in webhook metadata. */
  displayPhoneNumber: string;
  verifiedName: string;
  accessToken: string;
  qualityRating?: 'GREEN' | 'YELLOW' | 'RED' | 'NA' | 'UNKNOWN';
}

export type FakeMetaTemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type FakeMetaTemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** A template component as the template management API returns it. */
export type FakeMetaTemplateComponent =
  | { type: 'HEADER'; format: 'TEXT'; text: string }
  | { type: 'HEADER'; format: 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' }
  | { type: 'BODY'; text: string }
  | { type: 'FOOTER'; text: string }
  | { type: 'BUTTONS'; buttons: FakeMetaTemplateButton[] };

export type FakeMetaTemplateButton =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string }
  | { type: 'PHONE_NUMBER'; text: string; phone_number: string }
  | { type: 'COPY_CODE'; example?: string };

export interface FakeMetaTemplate {
  name: string;
  /** Language code, e.g. `en_US`. One registration per (name, language). */
  language: string;
  /** Only numbers of this WABA may send it; any WABA when omitted. */
  wabaId?: string;
  category?: FakeMetaTemplateCategory;
  status?: FakeMetaTemplateStatus;
  components: FakeMetaTemplateComponent[];
}

/** One HTTP request the fake answered. */
export interface FakeMetaRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-cased, without `authorization`. */
  headers: Record<string, string>;
  /** Whether a bearer token (header or `access_token` query) came with the request. */
  bearerTokenPresent: boolean;
  /** Parsed JSON, multipart fields (files as `{ filename, contentType, size }`), or null. */
  body: unknown;
  status: number;
  response: unknown;
}

export type FakeMetaOutboundType =
  'text' | 'image' | 'document' | 'audio' | 'video' | 'sticker' | 'template' | 'reaction';

/** A message the fake accepted on `POST /{phone-number-id}/messages`. */
export interface FakeMetaSentMessage {
  id: string;
  phoneNumberId: string;
  /** `to` as the request gave it. */
  to: string;
  waId: string;
  type: FakeMetaOutboundType;
  /** The request body as sent. */
  payload: Record<string, unknown>;
  /** Reply target (`context.message_id`), if any. */
  replyTo: string | null;
  sentAt: number;
}

export interface FakeMetaReadReceipt {
  phoneNumberId: string;
  messageId: string;
  at: number;
}

export interface FakeMetaMedia {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  sha256: string;
  data: Buffer;
  filename: string | null;
  createdAt: number;
}

export type FakeMetaInboundMedia = {
  type: FakeMetaMediaType;
  data: Buffer;
  mimeType: string;
  caption?: string;
  /** Documents only. */
  filename?: string;
  /** Audio only: a voice note recorded in WhatsApp. */
  voice?: boolean;
};

export interface FakeMetaInboundInput {
  phoneNumberId: string;
  /** The customer's WhatsApp id (digits). */
  from: string;
  /** The customer's profile name. */
  name: string;
  text?: string;
  media?: FakeMetaInboundMedia;
  /** A reaction to one of the business's messages. */
  reaction?: { messageId: string; emoji: string };
  /** Quoted message: the customer replied to this message id. */
  replyTo?: string;
  /** Unix ms; the fake clock when omitted. */
  at?: number;
  /** POST target; the configured `webhookUrl` when omitted. */
  url?: string;
}

export type FakeMetaStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface FakeMetaStatusInput {
  phoneNumberId: string;
  messageId: string;
  status: FakeMetaStatus;
  /** The customer's wa_id; taken from the sent message when omitted. */
  recipientId?: string;
  /** For `failed`: defaults to 131026 (undeliverable). */
  error?: FakeMetaStatusError;
  at?: number;
  url?: string;
}

/** A webhook body built but not necessarily delivered. */
export interface FakeMetaWebhook {
  /** The exact JSON bytes that are signed and posted. */
  body: string;
  /** `wamid.*` of the message the event is about. */
  messageId: string;
}

export interface FakeMetaWebhookDelivery {
  url: string;
  body: string;
  /** The `X-Hub-Signature-256` header sent, or null when sent unsigned. */
  signature: string | null;
  status: number;
  responseBody: string;
}

export interface FakeMetaInboundResult extends FakeMetaWebhook {
  /** Media id of an inbound media message, downloadable through the Graph API. */
  mediaId: string | null;
  /** Null when there is no webhook URL to deliver to. */
  delivery: FakeMetaWebhookDelivery | null;
}

export interface FakeMetaChallengeResult {
  status: number;
  body: string;
  challenge: string;
  /** The receiver answered 200 with exactly the challenge, as Meta requires. */
  verified: boolean;
}
