/**
 * The part of whatsapp-web.js's `Client` the engine uses, typed structurally so that the real
 * client and the in-process fake of `@switchboard/testing` both fit. Only `webjs-client.factory.ts`
 * imports the library itself.
 */
export interface WebJsId {
  _serialized: string;
  user?: string;
  server?: string;
}

export interface WebJsMessageId {
  fromMe: boolean;
  remote: string | WebJsId;
  id: string;
  _serialized: string;
}

/** The fields of a library `Message` the mapper reads; `_data` is the raw model. */
export interface WebJsMessage {
  id: WebJsMessageId;
  from: string;
  to: string;
  author?: string;
  body: string;
  type: string;
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  hasQuotedMsg?: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  ack?: number;
  _data?: {
    mimetype?: string;
    filename?: string;
    size?: number;
    quotedStanzaID?: string;
  };
  downloadMedia?: () => Promise<WebJsMedia | undefined>;
}

export interface WebJsMedia {
  mimetype: string;
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

export interface WebJsSendOptions {
  caption?: string;
  quotedMessageId?: string;
  sendSeen?: boolean;
}

/** Library events the engine listens to, with their arguments. */
export interface WebJsClientEvents {
  qr: [qr: string];
  code: [code: string];
  authenticated: [];
  auth_failure: [message: string];
  ready: [];
  loading_screen: [percent: number | string, message: string];
  change_state: [state: string];
  disconnected: [reason: string];
  message: [message: WebJsMessage];
  message_create: [message: WebJsMessage];
  message_ack: [message: WebJsMessage, ack: number];
  message_edit: [message: WebJsMessage, newBody: string, prevBody: string];
  message_revoke_everyone: [message: WebJsMessage, revoked?: WebJsMessage | null];
}

export interface WhatsAppClient {
  info?: { wid?: WebJsId; pushname?: string } | null;
  pupBrowser?: {
    process(): { pid?: number; kill(signal?: NodeJS.Signals): boolean } | null;
    /** puppeteer's Browser says `disconnected` when Chromium closes or crashes. */
    on?(event: 'disconnected', listener: () => void): unknown;
  } | null;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  getState(): Promise<string | null>;
  sendMessage(chatId: string, content: unknown, options?: WebJsSendOptions): Promise<WebJsMessage>;
  sendSeen(chatId: string): Promise<boolean>;
  getMessageById(messageId: string): Promise<WebJsMessage | null | undefined>;
  on<E extends keyof WebJsClientEvents>(
    event: E,
    listener: (...args: WebJsClientEvents[E]) => void,
  ): unknown;
  removeAllListeners(event?: string): unknown;
}

export interface CreateClientOptions {
  /** Link by pairing code for this phone (international digits) instead of a QR. */
  pairingPhoneNumber?: string;
}

/** Media ready to hand to `sendMessage`. */
export interface OutgoingMedia {
  mimetype: string;
  base64: string;
  filename?: string;
}

/** Builds one client per session; tests swap it for a fake through `WHATSAPP_CLIENT_FACTORY`. */
export interface WhatsAppClientFactory {
  create(sessionId: string, options: CreateClientOptions): WhatsAppClient;
  /**
   * A client for the warm pool: started before any session is known, on a profile of its own
   * (`poolId`), so it can show a QR the moment a session asks for one.
   */
  createWarm(poolId: string): WhatsAppClient;
  /**
   * Makes the pooled client's profile the session's (its LocalAuth directory was fixed at launch):
   * the session's old profile, which holds no login, is replaced.
   */
  claimProfile(sessionId: string, poolId: string): Promise<void>;
  /** Frees and deletes the profile of a pooled client that was never claimed. */
  discardWarm(poolId: string): Promise<void>;
  /** Turns media into what the client's `sendMessage` accepts. */
  media(media: OutgoingMedia): unknown;
  /** Deletes the session's stored login, for a logout while no client runs. */
  clearAuth(sessionId: string): Promise<void>;
  /** Whether a stored login exists on this machine (a client would start without a QR). */
  hasAuth(sessionId: string): Promise<boolean>;
  /** The stored login as one archive, for safekeeping at the server; null when there is none. */
  exportAuth(sessionId: string): Promise<Buffer | null>;
  /** After a client is closed: nothing may keep its profile (a stray browser, a stale lock). */
  releaseProfile(sessionId: string): Promise<void>;
  /** Puts back a login exported here or on another engine, replacing the local one. */
  importAuth(sessionId: string, archive: Buffer): Promise<void>;
}
