import type {
  MessageStatus,
  OutboundContent,
  ProviderCapability,
  ProviderType,
} from '@switchboard/contracts';
import type { WhatsappSession } from '../sessions/whatsapp-session.entity';

/** Injection token of the adapters, one per provider type (`WhatsAppAdapters`). */
export const WHATSAPP_ADAPTERS = Symbol('WHATSAPP_ADAPTERS');

/** Who a message goes to. A phone contact has `phone`; a group or `@lid` id only `whatsapp_id`. */
export interface Recipient {
  /** Digits with country code, no `+` (E.164 without the plus). */
  phone: string | null;
  /** `…@c.us`, `…@g.us` or `…@lid`, as WhatsApp Web names the chat. */
  whatsappId: string | null;
}

export interface SendCommand {
  /** Unique per message; an adapter that can pass it on (the engine) makes a resend a no-op. */
  idempotencyKey: string;
  to: Recipient;
  content: OutboundContent;
  /** The provider's id of the message this replies to. */
  quotedProviderMessageId: string | null;
}

export interface ProviderSendResult {
  providerMessageId: string;
  /** Where the provider says it is now: `sent` when accepted (Meta), or the first ack. */
  status: MessageStatus;
}

/** Whether a number can carry messages right now, as its provider says. */
export interface NumberProbe {
  reachable: boolean;
  /** Why not, in the provider's words. */
  detail: string | null;
}

/** Which media to fetch: by Meta's media id, or by the message (WhatsApp Web). */
export interface MediaReference {
  providerMessageId: string | null;
  providerMediaId: string | null;
}

/** A message's media bytes as the provider gave them. */
export interface FetchedMedia {
  data: Buffer;
  mimetype: string | null;
}

/** The largest media the Cloud API carries (documents, 100 MB); nothing larger is fetched. */
export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

/**
 * One WhatsApp backend. Adapters know a provider's payloads and URLs; nothing outside them does.
 * Every failure is a `WhatsAppException` with a `WhatsAppErrorCode`, so the send job can tell a
 * number's fault (fail over) from the message's (fail).
 */
export interface WhatsAppAdapter {
  readonly provider: ProviderType;
  readonly capabilities: ReadonlySet<ProviderCapability>;
  send(number: WhatsappSession, command: SendCommand): Promise<ProviderSendResult>;
  markRead(number: WhatsappSession, to: Recipient, providerMessageId: string): Promise<void>;
  probe(number: WhatsappSession): Promise<NumberProbe>;
  /** A message's media, fetched from the provider (MEDIA_UNAVAILABLE once it no longer has it). */
  fetchMedia(number: WhatsappSession, media: MediaReference): Promise<FetchedMedia>;
}

export type WhatsAppAdapters = Record<ProviderType, WhatsAppAdapter>;
