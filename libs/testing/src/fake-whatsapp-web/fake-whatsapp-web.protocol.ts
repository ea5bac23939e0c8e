/**
 * The wire contract between the fake WhatsApp Web page (running in Chromium) and the
 * FakeWhatsAppWeb server (running in the test process). Types only: both sides import it.
 */

/** Connection states of WhatsApp Web's `Socket` model, as whatsapp-web.js reads them. */
export type FakeSocketState =
  | 'OPENING'
  | 'PAIRING'
  | 'UNPAIRED'
  | 'UNPAIRED_IDLE'
  | 'CONNECTED'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'UNLAUNCHED'
  | 'PROXYBLOCK'
  | 'TOS_BLOCK'
  | 'SMB_TOS_BLOCK'
  | 'DEPRECATED_VERSION';

/** Delivery levels of an outgoing message: 1 server, 2 device, 3 read, 4 played. */
export type FakeMessageAck = 1 | 2 | 3 | 4;

/** Configuration inlined into the page HTML. */
export interface FakePageConfig {
  serverUrl: string;
  version: string;
  strict: boolean;
}

/** The account a page is linked to. */
export interface FakeLinkedAccount {
  /** `<digits>@c.us` */
  wid: string;
  /** `<digits>@lid`, when the account has a LID identity. */
  lid: string | null;
  pushname: string;
  platform: string;
}

/** The QR material of a page waiting to be linked; all keys base64. */
export interface FakeQrMaterial {
  ref: string;
  noisePublicKey: string;
  identityPublicKey: string;
  advSecretKey: string;
}

export interface FakeHelloRequest {
  /** Kept in the browser profile across reloads: tells a reloaded page from a new browser. */
  device: string;
  stored: { wid: string } | null;
}

export type FakeHelloResponse =
  | { sid: string; restored: true; account: FakeLinkedAccount }
  | { sid: string; restored: false; qr: FakeQrMaterial };

export interface FakeInboundMediaSpec {
  mimetype: string;
  filename: string | null;
  size: number;
  directPath: string;
  mediaKey: string;
}

/** A message the page adds to its `Msg` collection as if it came in over the socket. */
export interface FakeIncomingMessageSpec {
  id: string;
  fromMe: boolean;
  /** The chat: a user (`@c.us`, `@lid`) or a group (`@g.us`). */
  chat: string;
  /** The sender inside a group chat. */
  author: string | null;
  body: string;
  notifyName: string | null;
  timestamp: number;
  media: FakeInboundMediaSpec | null;
  /** For a sender or author addressed by `@lid`: their phone number wid. */
  senderPhone: string | null;
  groupSubject: string | null;
}

/** Commands the server pushes to the page over the event stream; each is answered. */
export type FakePageCommand =
  | { type: 'rotate-ref'; ref: string }
  | { type: 'paired'; account: FakeLinkedAccount }
  | { type: 'receive'; message: FakeIncomingMessageSpec }
  | { type: 'ack'; id: string; ack: FakeMessageAck }
  | { type: 'edit'; id: string; body: string }
  | { type: 'revoke'; id: string }
  | { type: 'react'; id: string; from: string; reaction: string }
  | { type: 'state'; state: FakeSocketState }
  | { type: 'unlink' }
  | { type: 'hang'; url: string };

export interface FakePageCommandEnvelope {
  seq: number;
  command: FakePageCommand;
}

export interface FakePageCommandResult {
  seq: number;
  ok: boolean;
  /** A serialized message id for `receive`; absent otherwise. */
  value?: string;
  error?: string;
}

/** What the page reports when the library sends a message through it. */
export interface FakeSentReport {
  id: string;
  to: string;
  body: string;
  type: string;
  quotedMessageId: string | null;
}

/** What the page reports when the library shows typing or recording in a chat. */
export interface FakeChatState {
  chat: string;
  state: 'typing' | 'recording' | 'paused';
}

export interface FakeSentResponse {
  /** The ack the fake backend answers with at once; null for none. */
  ack: FakeMessageAck | null;
}
