import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

/**
 * An in-process stand-in for whatsapp-web.js's `Client` (1.34.7): the surface the engine uses,
 * with the library's event order and quirks, and methods for a test to play the phone. No
 * browser, so every state-machine branch runs in milliseconds. It cannot catch what only the
 * real library shows (option merging, LocalAuth dirs, puppeteer crashes); the real-library
 * tests against the fake WhatsApp Web cover those.
 *
 * Quirks kept from the library:
 * - `initialize()` resolves after the first `qr` when a login is needed, and before `ready` on a
 *   restored login.
 * - `authenticated` comes right before `ready`, not at scan time.
 * - a state-based `disconnected` makes the library `destroy()` itself.
 * - `logout()` emits nothing.
 * - `message_create` fires for own messages before `sendMessage` resolves.
 */

export interface FakeWid {
  _serialized: string;
  user: string;
  server: string;
}

export interface FakeMessageId {
  fromMe: boolean;
  remote: string;
  id: string;
  _serialized: string;
}

export interface FakeMedia {
  mimetype: string;
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

export interface FakeMessage {
  id: FakeMessageId;
  from: string;
  to: string;
  author?: string;
  body: string;
  type: string;
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  isStatus: boolean;
  broadcast: boolean;
  ack: number;
  _data: { mimetype?: string; filename?: string; size?: number; quotedStanzaID?: string };
  downloadMedia: () => Promise<FakeMedia | undefined>;
}

/** What a test may set on an incoming message; the rest gets library-like defaults. */
export interface IncomingMessage {
  from: string;
  body?: string;
  type?: string;
  /** The sender inside a group (`from` is then the group id). */
  author?: string;
  /** Stanza id of the quoted message. */
  quotedId?: string;
  media?: FakeMedia;
  timestamp?: number;
  id?: string;
}

export interface FakeClientCreateOptions {
  pairingPhoneNumber?: string;
}

export interface FakeSend {
  chatId: string;
  content: unknown;
  options: Record<string, unknown> | undefined;
  message: FakeMessage;
}

const NO_DISCONNECT_STATES = new Set(['CONNECTED', 'OPENING', 'PAIRING', 'TIMEOUT']);

export class FakeWhatsAppClient extends EventEmitter {
  state: string | null = null;
  info: { wid: FakeWid; pushname: string; platform: string } | null = null;
  initialized = false;
  destroyed = false;
  loggedOut = false;
  readonly sent: FakeSend[] = [];
  readonly seen: string[] = [];
  readonly messages = new Map<string, FakeMessage>();
  /** The QR strings shown so far, newest last. */
  readonly qrs: string[] = [];
  /** When set, `sendMessage` waits for `releaseSends()` before it answers. */
  private sendGate: { promise: Promise<void>; release: () => void } | null = null;
  private sendFailure: Error | null = null;
  private destroyBehaviour: 'normal' | 'hang' = 'normal';
  private pageHung = false;
  private initializeFailure: Error | null = null;
  private initializeHold: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(
    /** The session whose profile this client runs on; a pooled client's changes when claimed. */
    public sessionId: string,
    readonly options: FakeClientCreateOptions,
    private readonly factory: FakeWhatsAppClientFactory,
  ) {
    super();
  }

  // ---------------------------------------------------------------------------- library surface

  async initialize(): Promise<void> {
    this.initialized = true;
    await Promise.resolve();
    await this.initializeHold?.promise;
    if (this.initializeFailure) throw this.initializeFailure;
    if (this.destroyed) return;
    const restored = this.factory.storedLogin(this.sessionId);
    if (restored) {
      this.state = 'CONNECTED';
      // The library resolves initialize() first and syncs right after.
      queueMicrotask(() => this.completeLogin(restored));
      return;
    }
    this.state = 'UNPAIRED';
    if (this.options.pairingPhoneNumber) this.emitPairingCode();
    else this.emitQr();
  }

  async destroy(): Promise<void> {
    if (this.destroyBehaviour === 'hang') return new Promise<void>(() => undefined);
    this.destroyed = true;
    this.state = null;
    await Promise.resolve();
  }

  async logout(): Promise<void> {
    await Promise.resolve();
    this.loggedOut = true;
    this.destroyed = true;
    this.state = null;
    this.factory.forget(this.sessionId);
  }

  /** From now on `getState()` never answers, as a frozen WhatsApp Web page. */
  hangPage(): void {
    this.pageHung = true;
  }

  getState(): Promise<string | null> {
    if (this.pageHung) return new Promise<string | null>(() => undefined);
    return Promise.resolve(this.state);
  }

  async sendMessage(
    chatId: string,
    content: unknown,
    options?: Record<string, unknown>,
  ): Promise<FakeMessage> {
    if (this.state !== 'CONNECTED' || !this.info) throw new Error('client is not connected');
    if (this.sendFailure) {
      const failure = this.sendFailure;
      this.sendFailure = null;
      throw failure;
    }
    const media = isMedia(content) ? content : null;
    const message = this.buildMessage({
      fromMe: true,
      chatId,
      from: this.info.wid._serialized,
      to: chatId,
      body: media
        ? typeof options?.caption === 'string'
          ? options.caption
          : ''
        : typeof content === 'string'
          ? content
          : JSON.stringify(content),
      type: media ? mediaType(media.mimetype) : 'chat',
      media: media ?? undefined,
      quotedId: typeof options?.quotedMessageId === 'string' ? options.quotedMessageId : undefined,
      ack: 0,
    });
    // The library emits message_create while it is still sending.
    this.emit('message_create', message);
    if (this.sendGate) await this.sendGate.promise;
    this.sent.push({ chatId, content, options, message });
    return message;
  }

  sendSeen(chatId: string): Promise<boolean> {
    if (this.state !== 'CONNECTED') return Promise.reject(new Error('client is not connected'));
    this.seen.push(chatId);
    return Promise.resolve(true);
  }

  getMessageById(messageId: string): Promise<FakeMessage | null> {
    return Promise.resolve(this.messages.get(messageId) ?? null);
  }

  // ---------------------------------------------------------------------------- the phone

  /** Shows a (new) QR, as WhatsApp Web does about every 20 s. */
  emitQr(qr = `2@${randomBytes(24).toString('base64')},k1,k2,k3,Chrome`): string {
    this.qrs.push(qr);
    this.emit('qr', qr);
    return qr;
  }

  emitPairingCode(code = randomBytes(4).toString('hex').toUpperCase()): string {
    this.emit('code', code);
    return code;
  }

  /**
   * The phone scans the QR: `authenticated` then `ready`. `phone` is digits; pass `lid` to link
   * an account whose own id is only known as a `@lid`. `infoDelayMs` leaves `client.info` empty
   * at `ready` for that long, as the library sometimes does.
   */
  link(
    phone: string,
    options: { lid?: string; pushname?: string; infoDelayMs?: number } = {},
  ): void {
    const wid = options.lid ? `${options.lid}@lid` : `${phone}@c.us`;
    this.factory.remember(this.sessionId, { wid, pushname: options.pushname ?? 'Fake Phone' });
    this.state = 'CONNECTED';
    this.completeLogin({ wid, pushname: options.pushname ?? 'Fake Phone' }, options.infoDelayMs);
  }

  /** A message arrives from a peer: `message_create` then `message`, like the library. */
  receive(incoming: IncomingMessage): FakeMessage {
    const me = this.info?.wid._serialized ?? 'me@c.us';
    const message = this.buildMessage({
      fromMe: false,
      chatId: incoming.from,
      from: incoming.from,
      to: me,
      author: incoming.author,
      body: incoming.body ?? '',
      type: incoming.type ?? (incoming.media ? mediaType(incoming.media.mimetype) : 'chat'),
      media: incoming.media,
      quotedId: incoming.quotedId,
      timestamp: incoming.timestamp,
      id: incoming.id,
      ack: 1,
    });
    this.emit('message_create', message);
    this.emit('message', message);
    return message;
  }

  /** The user types a message on the phone itself. */
  sendFromPhone(chatId: string, body: string): FakeMessage {
    const message = this.buildMessage({
      fromMe: true,
      chatId,
      from: this.info?.wid._serialized ?? 'me@c.us',
      to: chatId,
      body,
      type: 'chat',
      ack: 1,
    });
    this.emit('message_create', message);
    return message;
  }

  /** WhatsApp reports a new ack level for a message (the library passes it as a number). */
  ack(message: FakeMessage | string, ack: number): void {
    const target = typeof message === 'string' ? this.messages.get(message) : message;
    if (!target)
      throw new Error(
        `no message ${typeof message === 'string' ? message : message.id._serialized}`,
      );
    target.ack = ack;
    this.emit('message_ack', target, ack);
  }

  edit(message: FakeMessage, newBody: string): void {
    const previous = message.body;
    message.body = newBody;
    this.emit('message_edit', message, newBody, previous);
  }

  revoke(message: FakeMessage): void {
    const before = { ...message };
    message.type = 'revoked';
    message.body = '';
    this.emit('message_revoke_everyone', message, before);
  }

  /**
   * WhatsApp Web's socket changes state. Outside CONNECTED/OPENING/PAIRING/TIMEOUT the library
   * emits `disconnected` and destroys itself.
   */
  disconnect(state = 'CONFLICT'): void {
    this.state = state;
    this.emit('change_state', state);
    if (!NO_DISCONNECT_STATES.has(state)) {
      this.emit('disconnected', state);
      void this.destroy();
    }
  }

  /** The device is removed on the phone: `disconnected('LOGOUT')` and the login is gone. */
  phoneLogout(): void {
    this.factory.forget(this.sessionId);
    this.state = 'UNPAIRED';
    this.emit('disconnected', 'LOGOUT');
  }

  // ---------------------------------------------------------------------------- test controls

  /** Holds every `sendMessage` until `releaseSends()`, to make concurrent sends overlap. */
  holdSends(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.sendGate = { promise, release };
  }

  releaseSends(): void {
    this.sendGate?.release();
    this.sendGate = null;
  }

  failNextSend(error = new Error('Evaluation failed: send rejected')): void {
    this.sendFailure = error;
  }

  /** Keeps initialize() loading (no QR, no ready) until `releaseInitialize()`. */
  holdInitialize(): void {
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.initializeHold = { promise, resolve };
  }

  releaseInitialize(): void {
    this.initializeHold?.resolve();
    this.initializeHold = null;
  }

  failInitialize(error = new Error('Protocol error: Target closed')): void {
    this.initializeFailure = error;
  }

  /** `destroy()` never settles, as whatsapp-web.js #3846 reports. */
  hangOnDestroy(): void {
    this.destroyBehaviour = 'hang';
  }

  /** Chromium dies under the client: puppeteer's Browser says `disconnected`. */
  crashBrowser(): void {
    this.destroyed = true;
    this.state = null;
    this.pupBrowser.events.emit('disconnected');
  }

  /** Records a kill of the browser process (used when destroy hangs). */
  readonly pupBrowser = {
    killed: [] as string[],
    events: new EventEmitter(),
    on: (event: 'disconnected', listener: () => void) => this.pupBrowser.events.on(event, listener),
    /** The pid the engine measures as this client's Chromium; a spec may point it anywhere. */
    pid: undefined as number | undefined,
    process: () => ({
      pid: this.pupBrowser.pid,
      kill: (signal?: string) => {
        this.pupBrowser.killed.push(signal ?? 'SIGTERM');
        this.destroyed = true;
        return true;
      },
    }),
  };

  // ---------------------------------------------------------------------------- internals

  private completeLogin(login: { wid: string; pushname: string }, infoDelayMs?: number): void {
    if (this.destroyed) return;
    const [user = '', server = ''] = login.wid.split('@');
    const info = {
      wid: { _serialized: login.wid, user, server },
      pushname: login.pushname,
      platform: 'android',
    };
    this.emit('authenticated');
    if (infoDelayMs) {
      this.info = null;
      setTimeout(() => (this.info = info), infoDelayMs);
    } else {
      this.info = info;
    }
    this.emit('ready');
  }

  private buildMessage(input: {
    fromMe: boolean;
    chatId: string;
    from: string;
    to: string;
    author?: string;
    body: string;
    type: string;
    media?: FakeMedia;
    quotedId?: string;
    timestamp?: number;
    id?: string;
    ack: number;
  }): FakeMessage {
    const shortId =
      input.id ?? (input.fromMe ? '3EB0' : '') + randomBytes(8).toString('hex').toUpperCase();
    const id: FakeMessageId = {
      fromMe: input.fromMe,
      remote: input.chatId,
      id: shortId,
      _serialized: `${input.fromMe}_${input.chatId}_${shortId}`,
    };
    const media = input.media;
    const message: FakeMessage = {
      id,
      from: input.from,
      to: input.to,
      ...(input.author ? { author: input.author } : {}),
      body: input.body,
      type: input.type,
      timestamp: input.timestamp ?? Math.floor(Date.now() / 1000),
      fromMe: input.fromMe,
      hasMedia: Boolean(media),
      hasQuotedMsg: Boolean(input.quotedId),
      isStatus: input.chatId === 'status@broadcast',
      broadcast: input.chatId.endsWith('@broadcast'),
      ack: input.ack,
      _data: {
        ...(media
          ? {
              mimetype: media.mimetype,
              ...(media.filename ? { filename: media.filename } : {}),
              size: media.filesize ?? Buffer.from(media.data, 'base64').length,
            }
          : {}),
        ...(input.quotedId ? { quotedStanzaID: input.quotedId } : {}),
      },
      downloadMedia: () => Promise.resolve(media ? { ...media } : undefined),
    };
    this.messages.set(id._serialized, message);
    return message;
  }
}

/**
 * Hands out fake clients and plays LocalAuth: a session linked once restores without a QR on its
 * next client, until it is logged out. Pass it as the engine's client factory.
 */
export class FakeWhatsAppClientFactory {
  readonly clients: FakeWhatsAppClient[] = [];
  private readonly logins = new Map<string, { wid: string; pushname: string }>();
  /** Called with every new client, e.g. to script failures before it initializes. */
  onCreate: ((client: FakeWhatsAppClient) => void) | null = null;

  create(sessionId: string, options: FakeClientCreateOptions): FakeWhatsAppClient {
    const client = new FakeWhatsAppClient(sessionId, options, this);
    this.clients.push(client);
    this.onCreate?.(client);
    return client;
  }

  /** A warm-pool client: its profile is `pool:<poolId>` until a session claims it. */
  createWarm(poolId: string): FakeWhatsAppClient {
    return this.create(warmProfile(poolId), {});
  }

  /** The pooled client's profile becomes the session's: its logins are the session's from now. */
  claimProfile(sessionId: string, poolId: string): Promise<void> {
    for (const client of this.clientsOf(warmProfile(poolId))) client.sessionId = sessionId;
    this.logins.delete(sessionId);
    return Promise.resolve();
  }

  discardWarm(poolId: string): Promise<void> {
    this.logins.delete(warmProfile(poolId));
    return Promise.resolve();
  }

  /** Clients started for the warm pool and not claimed by a session. */
  warmClients(): FakeWhatsAppClient[] {
    return this.clients.filter((c) => c.sessionId.startsWith(WARM_PREFIX));
  }

  media(media: { mimetype: string; base64: string; filename?: string }): FakeMedia {
    return { mimetype: media.mimetype, data: media.base64, filename: media.filename ?? null };
  }

  clearAuth(sessionId: string): Promise<void> {
    this.logins.delete(sessionId);
    return Promise.resolve();
  }

  /** The fake has no browser or profile to free. */
  releaseProfile(): Promise<void> {
    return Promise.resolve();
  }

  hasAuth(sessionId: string): Promise<boolean> {
    return Promise.resolve(this.logins.has(sessionId));
  }

  /** The stored login as bytes, as LocalAuth's profile would be archived. */
  exportAuth(sessionId: string): Promise<Buffer | null> {
    const login = this.logins.get(sessionId);
    return Promise.resolve(login ? Buffer.from(JSON.stringify(login)) : null);
  }

  importAuth(sessionId: string, archive: Buffer): Promise<void> {
    this.logins.set(
      sessionId,
      JSON.parse(archive.toString('utf8')) as { wid: string; pushname: string },
    );
    return Promise.resolve();
  }

  /** The newest client of a session. */
  latest(sessionId: string): FakeWhatsAppClient {
    const client = [...this.clients].reverse().find((c) => c.sessionId === sessionId);
    if (!client) throw new Error(`no fake client was created for ${sessionId}`);
    return client;
  }

  clientsOf(sessionId: string): FakeWhatsAppClient[] {
    return this.clients.filter((c) => c.sessionId === sessionId);
  }

  hasStoredLogin(sessionId: string): boolean {
    return this.logins.has(sessionId);
  }

  /** Internal to the fake: LocalAuth's stored login. */
  storedLogin(sessionId: string): { wid: string; pushname: string } | undefined {
    return this.logins.get(sessionId);
  }

  remember(sessionId: string, login: { wid: string; pushname: string }): void {
    this.logins.set(sessionId, login);
  }

  forget(sessionId: string): void {
    this.logins.delete(sessionId);
  }
}

const WARM_PREFIX = 'pool:';

function warmProfile(poolId: string): string {
  return `${WARM_PREFIX}${poolId}`;
}

function isMedia(content: unknown): content is FakeMedia {
  return (
    typeof content === 'object' &&
    content !== null &&
    typeof (content as FakeMedia).mimetype === 'string' &&
    typeof (content as FakeMedia).data === 'string'
  );
}

function mediaType(mimetype: string): string {
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}
