import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runFakeWhatsAppPage } from './fake-whatsapp-web.page';
import type {
  FakeHelloRequest,
  FakeHelloResponse,
  FakeIncomingMessageSpec,
  FakeLinkedAccount,
  FakeMessageAck,
  FakePageCommand,
  FakePageCommandEnvelope,
  FakePageCommandResult,
  FakePageConfig,
  FakeQrMaterial,
  FakeSentReport,
  FakeSentResponse,
  FakeSocketState,
  FakeChatState,
} from './fake-whatsapp-web.protocol';

/**
 * A local stand-in for WhatsApp Web and the phone behind it, for driving the real
 * whatsapp-web.js in a real Chromium offline.
 *
 * The library loads the page this server renders through its `webVersionCache` (see
 * `fakeWhatsAppClientOptions`); the page then talks back to this server over fetch and one
 * EventSource. A test plays the phone: it scans the QR the library emitted, delivers messages,
 * acks, edits and revokes them, changes the socket state and unlinks the device. Every phone
 * action resolves once the page has applied it.
 *
 * Pages are told apart by their QR until they are linked, then by the linked phone number.
 *
 * @example
 * const fake = new FakeWhatsAppWeb();
 * await fake.start();
 * const client = new Client({ ...fakeWhatsAppClientOptions(fake), authStrategy: new NoAuth() });
 * client.on('qr', (qr) => void fake.scanQr(qr, { phone: '15550001111' }));
 * await client.initialize(); // then 'ready'
 * await fake.receiveMessage('15550001111', { from: '15550002222', body: 'hi' }); // 'message'
 * // …client.destroy(), then fake.stop(); expect(fake.unknownModules()).toEqual([])
 */

export interface FakeWhatsAppWebOptions {
  /**
   * `strict` (default): a `window.require` of a module the fake lacks returns `undefined`, like
   * a missing module, and is listed by `unknownModules()`. `lenient`: it returns an inert proxy
   * instead, so a library version that reaches for more modules still loads.
   */
  mode?: 'strict' | 'lenient';
  /** The WhatsApp Web version the page reports and the library asks for. */
  webVersion?: string;
  /** The ack the fake backend answers every sent message with; null for none. Default 1. */
  serverAck?: FakeMessageAck | null;
  /** How long a phone action waits for the page to apply it. Default 10 s. */
  commandTimeoutMs?: number;
}

/** A linked account, as the phone scanning the QR presents it. */
export interface FakeWhatsAppAccount {
  /** The phone number, digits only (`15550001111`) or as a wid (`15550001111@c.us`). */
  phone: string;
  pushname?: string;
  /** The account's LID identity, digits or `…@lid`. */
  lid?: string;
  platform?: string;
}

export interface FakeWhatsAppInboundMedia {
  mimetype: string;
  data: Buffer;
  filename?: string;
}

/** A message arriving at the linked page from someone else. */
export interface FakeWhatsAppInboundMessage {
  /** The chat: a user (`…@c.us`, `…@lid`, or digits) or a group (`…@g.us`). */
  from: string;
  /** The sender, for a group chat. */
  author?: string;
  /** The text, or the caption of a media message. */
  body?: string;
  notifyName?: string;
  /** The message id without its chat prefix; random when omitted. */
  id?: string;
  /** Seconds since the epoch; now when omitted. */
  timestamp?: number;
  media?: FakeWhatsAppInboundMedia;
  /** For a sender addressed by `@lid`: their phone number, so the page can map one to the other. */
  senderPhone?: string;
  /** The group's subject, for a group chat seen for the first time. */
  groupSubject?: string;
}

/** A message the phone itself sends; linked pages see it as their own (`fromMe`). */
export interface FakeWhatsAppPhoneMessage {
  to: string;
  body: string;
  id?: string;
  timestamp?: number;
}

/** A message whatsapp-web.js sent through a linked page. */
export interface FakeWhatsAppSentMessage {
  /** The linked account's wid. */
  account: string;
  /** The serialized message id, as the library's `Message.id._serialized`. */
  id: string;
  to: string;
  body: string;
  type: string;
  quotedMessageId: string | null;
}

/** Typing or recording the library showed in a chat (`chat.sendStateTyping()` and the like). */
export interface FakeWhatsAppChatState extends FakeChatState {
  /** The linked account's wid. */
  account: string;
}

interface PendingCommand {
  resolve: (value: string | undefined) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  settleOnClose: boolean;
}

interface PageSession {
  sid: string;
  device: string;
  /** The library has finished injecting into this page. */
  attached: boolean;
  qr: FakeQrMaterial | null;
  /** The QR expired (UNPAIRED_IDLE): it cannot be scanned until it is refreshed. */
  qrIdle: boolean;
  account: FakeLinkedAccount | null;
  stream: ServerResponse | null;
  queue: string[];
  open: boolean;
  pending: Map<number, PendingCommand>;
  hangs: Set<ServerResponse>;
}

interface StoredMedia {
  mimetype: string;
  data: Buffer;
}

interface Waiter {
  /** Settles the wait when its condition holds; says whether it did. */
  check(): boolean;
  abandon(reason: Error): void;
}

const DEFAULT_WEB_VERSION = '2.3000.1000000000-fake';
const DEVICE_PLATFORM = 'Chrome';
const MAX_BODY_BYTES = 1024 * 1024;
/** Commands the page holds until the library listens to its messages. */
const MESSAGE_COMMANDS = new Set<FakePageCommand['type']>([
  'receive',
  'ack',
  'edit',
  'revoke',
  'react',
]);

export class FakeWhatsAppWeb {
  readonly host = '127.0.0.1';
  readonly webVersion: string;
  readonly mode: 'strict' | 'lenient';

  private readonly serverAck: FakeMessageAck | null;
  /** While set, the server's answer to a sent message waits for it (see holdServerAnswers). */
  private serverAnswersHeld: Promise<void> | null = null;
  private readonly commandTimeoutMs: number;
  private readonly sessions = new Map<string, PageSession>();
  /** Accounts linked server-side, by wid: what a stored page session may restore. */
  private readonly linkedAccounts = new Map<string, FakeLinkedAccount>();
  private readonly sent: FakeWhatsAppSentMessage[] = [];
  private readonly states: FakeWhatsAppChatState[] = [];
  private readonly unknown = new Set<string>();
  private readonly errors: string[] = [];
  private readonly media = new Map<string, StoredMedia>();
  private readonly waiters = new Set<Waiter>();
  private server: Server | null = null;
  private listeningPort: number | null = null;
  private seq = 0;

  constructor(options: FakeWhatsAppWebOptions = {}) {
    this.mode = options.mode ?? 'strict';
    this.webVersion = options.webVersion ?? DEFAULT_WEB_VERSION;
    this.serverAck = options.serverAck === undefined ? 1 : options.serverAck;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
  }

  get url(): string {
    if (this.listeningPort === null) throw new Error('FakeWhatsAppWeb is not started');
    return `http://${this.host}:${this.listeningPort}`;
  }

  /** The `webVersionCache.remotePath` that serves the fake page. */
  get remotePath(): string {
    return `${this.url}/wa/{version}.html`;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('FakeWhatsAppWeb is already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listeningPort = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const session of this.sessions.values()) this.closeSession(session);
    for (const waiter of this.waiters) waiter.abandon(new Error('FakeWhatsAppWeb stopped'));
    this.waiters.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The page HTML: the runtime inlined, so the library's request interception serves it whole. */
  indexHtml(version: string = this.webVersion): string {
    const config: FakePageConfig = { serverUrl: this.url, version, strict: this.mode === 'strict' };
    const json = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');
    return [
      '<!doctype html><html><head><meta charset="utf-8"><title>WhatsApp</title></head>',
      '<body><div id="app"></div><script>',
      `(${runFakeWhatsAppPage.toString()})(window, ${json(config)});`,
      '</script></body></html>',
    ].join('\n');
  }

  // -------------------------------------------------------------------- inspection

  /** Modules the library asked for that the fake lacks (in both modes), e.g. `WAWebFoo`. */
  unknownModules(): string[] {
    return [...this.unknown].sort();
  }

  /** Throws, naming them, when the library asked for a module the fake lacks. */
  assertNoUnknownModules(): void {
    const unknown = this.unknownModules();
    if (unknown.length > 0) {
      throw new Error(
        `whatsapp-web.js required modules the fake WhatsApp Web lacks: ${unknown.join(', ')}`,
      );
    }
  }

  /** Errors raised in pages, with their stacks: uncaught errors, unhandled rejections, throwing listeners. */
  pageErrors(): string[] {
    return [...this.errors];
  }

  /** Messages the library sent through linked pages, oldest first. */
  sentMessages(): FakeWhatsAppSentMessage[] {
    return [...this.sent];
  }

  /** Typing, recording and paused states the library sent, oldest first. */
  chatStates(): FakeWhatsAppChatState[] {
    return [...this.states];
  }

  /** Whether the phone has this account linked (scanned and neither unlinked nor logged out). */
  isLinked(phone: string): boolean {
    return this.linkedAccounts.has(toUserWid(phone));
  }

  /** The QR strings of the open pages waiting for a scan, once the library has injected into them. */
  pendingQrs(): string[] {
    return this.openSessions()
      .filter((s) => s.attached && s.account === null && s.qr !== null && !s.qrIdle)
      .map((s) => qrString(s.qr!));
  }

  /** Resolves with the QR of a page waiting for a scan, skipping those in `exclude`. */
  waitForQr(options: { exclude?: string[]; timeoutMs?: number } = {}): Promise<string> {
    const exclude = new Set(options.exclude ?? []);
    return this.waitFor(
      'a page showing a QR',
      () => this.pendingQrs().find((qr) => !exclude.has(qr)),
      options.timeoutMs,
    );
  }

  /** Resolves with the first message the library sends that matches. */
  waitForSentMessage(
    predicate: (message: FakeWhatsAppSentMessage) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<FakeWhatsAppSentMessage> {
    return this.waitFor('a sent message', () => this.sent.find(predicate), timeoutMs);
  }

  // ------------------------------------------------------------------ the phone

  /** Scans a QR the library emitted: links that page to the account. */
  async scanQr(qr: string, account: FakeWhatsAppAccount): Promise<void> {
    const session = this.sessionByQr(qr);
    const linked: FakeLinkedAccount = {
      wid: toUserWid(account.phone),
      lid: account.lid ? toWid(account.lid, 'lid') : null,
      pushname: account.pushname ?? 'Switchboard Test',
      platform: account.platform ?? 'android',
    };
    session.qr = null;
    session.account = linked;
    this.linkedAccounts.set(linked.wid, linked);
    this.changed();
    await this.command(session, { type: 'paired', account: linked });
  }

  /**
   * Gives the page showing `qr` (or the only page waiting for a scan) a new QR, as WhatsApp Web
   * does every so often and on a refresh; the library emits it as a new `qr`. Returns it.
   */
  async rotateQr(qr?: string): Promise<string> {
    let session: PageSession;
    if (qr !== undefined) {
      session = this.sessionByQr(qr, { idleToo: true });
    } else {
      const waiting = this.openSessions().filter((s) => s.account === null && s.qr !== null);
      if (waiting.length !== 1) {
        throw new Error(
          `rotateQr() without a QR needs exactly one waiting page, not ${waiting.length}`,
        );
      }
      session = waiting[0]!;
    }
    return this.rotate(session);
  }

  /**
   * The QR on the page times out: the page goes UNPAIRED_IDLE and the QR can no longer be
   * scanned. whatsapp-web.js 1.34.7 fails to ask for a new one (it calls `Cmd.refreshQR` in
   * Node), so the library emits no new `qr` on its own: the session manager must notice.
   */
  async expireQr(qr: string): Promise<void> {
    const session = this.sessionByQr(qr);
    session.qrIdle = true;
    this.changed();
    await this.command(session, { type: 'state', state: 'UNPAIRED_IDLE' });
  }

  /** Delivers a message from someone else to the page linked to `phone`; returns its serialized id. */
  async receiveMessage(phone: string, message: FakeWhatsAppInboundMessage): Promise<string> {
    const session = this.sessionByPhone(phone);
    const chat = toWid(message.from, 'c.us');
    const id = message.id ?? `3A${randomBytes(9).toString('hex').toUpperCase()}`;
    const spec: FakeIncomingMessageSpec = {
      id,
      fromMe: false,
      chat,
      author: message.author ? toWid(message.author, 'c.us') : null,
      body: message.body ?? '',
      notifyName: message.notifyName ?? null,
      timestamp: message.timestamp ?? nowSeconds(),
      media: message.media ? this.storeMedia(message.media) : null,
      senderPhone: message.senderPhone ? toUserWid(message.senderPhone) : null,
      groupSubject: message.groupSubject ?? null,
    };
    if (chat.endsWith('@g.us') && !spec.author) {
      throw new Error('a group message needs an author');
    }
    return this.valueOf(await this.command(session, { type: 'receive', message: spec }));
  }

  /** A message the user sends from the phone itself: linked pages see it as `fromMe`. */
  async sendFromPhone(phone: string, message: FakeWhatsAppPhoneMessage): Promise<string> {
    const session = this.sessionByPhone(phone);
    const spec: FakeIncomingMessageSpec = {
      id: message.id ?? `3A${randomBytes(9).toString('hex').toUpperCase()}`,
      fromMe: true,
      chat: toWid(message.to, 'c.us'),
      author: null,
      body: message.body,
      notifyName: null,
      timestamp: message.timestamp ?? nowSeconds(),
      media: null,
      senderPhone: null,
      groupSubject: null,
    };
    return this.valueOf(await this.command(session, { type: 'receive', message: spec }));
  }

  /**
   * Holds the server's answer (its ack) to every message sent until the returned release is
   * called, like a slow network between WhatsApp Web and WhatsApp's servers.
   */
  holdServerAnswers(): () => void {
    let release!: () => void;
    this.serverAnswersHeld = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.serverAnswersHeld = null;
      release();
    };
  }

  /** Moves an outgoing message's ack forward (1 server, 2 device, 3 read, 4 played). */
  async ackMessage(phone: string, messageId: string, ack: FakeMessageAck): Promise<void> {
    await this.command(this.sessionByPhone(phone), { type: 'ack', id: messageId, ack });
  }

  /** The sender edits a message: its body (or caption) changes. */
  async editMessage(phone: string, messageId: string, body: string): Promise<void> {
    await this.command(this.sessionByPhone(phone), { type: 'edit', id: messageId, body });
  }

  /** The sender deletes a message for everyone. */
  async revokeMessage(phone: string, messageId: string): Promise<void> {
    await this.command(this.sessionByPhone(phone), { type: 'revoke', id: messageId });
  }

  /** Someone reacts to a message (an empty reaction removes theirs). */
  async reactToMessage(
    phone: string,
    messageId: string,
    reaction: { from: string; reaction: string },
  ): Promise<void> {
    await this.command(this.sessionByPhone(phone), {
      type: 'react',
      id: messageId,
      from: toWid(reaction.from, 'c.us'),
      reaction: reaction.reaction,
    });
  }

  /** Sets the page's socket state, e.g. TIMEOUT (kept), CONFLICT or UNPAIRED (disconnects). */
  async setSocketState(phone: string, state: FakeSocketState): Promise<void> {
    // A state the library treats as a disconnect makes it close the browser, maybe before the
    // page's answer is out: the page going away then settles the command.
    await this.command(
      this.sessionByPhone(phone),
      { type: 'state', state },
      { settleOnClose: true },
    );
  }

  /**
   * The user removes the linked device on the phone: the page logs out and reloads to a QR.
   * Resolves once the library has injected into the reloaded page, so the client can be
   * destroyed at once (closing it mid-injection rejects where nobody catches it).
   */
  async unlink(phone: string): Promise<void> {
    const session = this.sessionByPhone(phone);
    this.linkedAccounts.delete(session.account!.wid);
    this.changed();
    await this.command(session, { type: 'unlink' }, { settleOnClose: true });
    await this.waitFor(
      'the library to inject into the reloaded page',
      () =>
        this.openSessions().find(
          (s) => s.device === session.device && s.sid !== session.sid && s.attached,
        ),
      this.commandTimeoutMs,
    );
  }

  /**
   * Blocks the page's main thread: the browser stays up and connected, but every call into the
   * page (getState, sendMessage…) hangs, as when WhatsApp Web freezes. Undo with `releasePage`;
   * `client.destroy()` still closes a hung client.
   */
  async hangPage(phone: string): Promise<void> {
    const session = this.sessionByPhone(phone);
    const url = `${this.url}/api/hang?sid=${encodeURIComponent(session.sid)}`;
    // The page may be blocked before its answer is out: the held request is the proof.
    this.command(session, { type: 'hang', url }).catch(() => undefined);
    await this.waitFor(
      'the page to block',
      () => (session.hangs.size > 0 ? true : undefined),
      this.commandTimeoutMs,
    );
  }

  /** Lets a page blocked by `hangPage` run again. */
  releasePage(phone: string): void {
    const session = this.sessionByPhone(phone);
    for (const held of session.hangs) held.end();
    session.hangs.clear();
  }

  // -------------------------------------------------------------------- internals

  private openSessions(): PageSession[] {
    return [...this.sessions.values()].filter((s) => s.open);
  }

  private sessionByQr(qr: string, options: { idleToo?: boolean } = {}): PageSession {
    const ref = qr.split(',')[0];
    const session = this.openSessions().find(
      (s) => s.qr?.ref === ref && s.account === null && (options.idleToo === true || !s.qrIdle),
    );
    if (!session)
      throw new Error(`QR ${ref ?? ''} is not shown by any open page (expired or unknown)`);
    return session;
  }

  private async rotate(session: PageSession): Promise<string> {
    const material: FakeQrMaterial = { ...session.qr!, ref: newRef() };
    session.qr = material;
    session.qrIdle = false;
    this.changed();
    await this.command(session, { type: 'rotate-ref', ref: material.ref });
    return qrString(material);
  }

  private sessionByPhone(phone: string): PageSession {
    const wid = toUserWid(phone);
    const matching = this.openSessions().filter((s) => s.account?.wid === wid);
    const session = matching[matching.length - 1];
    if (!session) throw new Error(`no open page is linked to ${wid}`);
    return session;
  }

  private storeMedia(media: FakeWhatsAppInboundMedia): FakeIncomingMessageSpec['media'] {
    const token = randomBytes(16).toString('hex');
    this.media.set(token, { mimetype: media.mimetype, data: media.data });
    return {
      mimetype: media.mimetype,
      filename: media.filename ?? null,
      size: media.data.length,
      directPath: `/media/${token}`,
      mediaKey: randomBytes(32).toString('base64'),
    };
  }

  private valueOf(value: string | undefined): string {
    if (value === undefined) throw new Error('the page answered without a value');
    return value;
  }

  private command(
    session: PageSession,
    command: FakePageCommand,
    options: { settleOnClose?: boolean } = {},
  ): Promise<string | undefined> {
    if (!session.open) return Promise.reject(new Error(`page ${session.sid} is gone`));
    const seq = ++this.seq;
    const envelope: FakePageCommandEnvelope = { seq, command };
    return new Promise<string | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        session.pending.delete(seq);
        const hint = MESSAGE_COMMANDS.has(command.type)
          ? ' (it waits for the client to be ready)'
          : '';
        reject(
          new Error(
            `the page did not apply '${command.type}' within ${this.commandTimeoutMs} ms${hint}`,
          ),
        );
      }, this.commandTimeoutMs);
      session.pending.set(seq, {
        resolve,
        reject,
        timer,
        settleOnClose: options.settleOnClose ?? false,
      });
      const frame = `data: ${JSON.stringify(envelope)}\n\n`;
      if (session.stream) session.stream.write(frame);
      else session.queue.push(frame);
    });
  }

  private closeSession(session: PageSession): void {
    session.open = false;
    session.stream?.end();
    session.stream = null;
    for (const held of session.hangs) held.end();
    session.hangs.clear();
    for (const pending of session.pending.values()) {
      clearTimeout(pending.timer);
      if (pending.settleOnClose) pending.resolve(undefined);
      else pending.reject(new Error(`page ${session.sid} went away`));
    }
    session.pending.clear();
    this.changed();
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) if (waiter.check()) this.waiters.delete(waiter);
  }

  private waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = find();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        abandon: (reason) => {
          clearTimeout(timer);
          reject(reason);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  // ------------------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    // The page's origin is https://web.whatsapp.com.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const page = /^\/wa\/(.+)\.html$/.exec(url.pathname);
    if (req.method === 'GET' && page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(this.indexHtml(decodeURIComponent(page[1]!)));
      return;
    }
    const media = /^\/media\/([0-9a-f]+)$/.exec(url.pathname);
    if (req.method === 'GET' && media) {
      const stored = this.media.get(media[1]!);
      if (!stored) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': stored.mimetype, 'content-length': stored.data.length });
      res.end(stored.data);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/events') {
      this.openStream(url.searchParams.get('sid') ?? '', req, res);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/hang') {
      this.holdHang(url, res);
      return;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      const body = JSON.parse((await readBody(req)) || '{}') as { sid?: string | null };
      const session = body.sid ? this.sessions.get(body.sid) : undefined;
      const answer = this.route(url.pathname, body, session);
      if (url.pathname === '/api/sent' && this.serverAnswersHeld) await this.serverAnswersHeld;
      sendJson(res, answer);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private route(path: string, body: object, session: PageSession | undefined): unknown {
    switch (path) {
      case '/api/hello':
        return this.hello(body as FakeHelloRequest);
      case '/api/result':
        this.settle(session, body as FakePageCommandResult);
        return { ok: true };
      case '/api/sent':
        return this.recordSent(session, body as FakeSentReport);
      case '/api/chat-state':
        this.states.push({ account: session?.account?.wid ?? '', ...(body as FakeChatState) });
        this.changed();
        return { ok: true };
      case '/api/logout':
        if (session?.account) this.linkedAccounts.delete(session.account.wid);
        this.changed();
        return { ok: true };
      case '/api/attached':
        if (session) session.attached = true;
        this.changed();
        return { ok: true };
      case '/api/refresh-qr':
        if (session?.qr && !session.account) this.rotate(session).catch(() => undefined);
        return { ok: true };
      case '/api/takeover':
        return { ok: true };
      case '/api/unknown-module':
        this.unknown.add((body as { name: string }).name);
        return { ok: true };
      case '/api/page-error':
        this.errors.push((body as { message: string }).message);
        return { ok: true };
      default:
        return { ok: false, error: `unknown endpoint ${path}` };
    }
  }

  private hello(request: FakeHelloRequest): FakeHelloResponse {
    const sid = randomUUID();
    const restoring = request.stored ? this.linkedAccounts.get(request.stored.wid) : undefined;
    const session: PageSession = {
      sid,
      device: request.device,
      attached: false,
      qrIdle: false,
      qr: restoring
        ? null
        : {
            ref: newRef(),
            noisePublicKey: randomBytes(32).toString('base64'),
            identityPublicKey: randomBytes(32).toString('base64'),
            advSecretKey: randomBytes(32).toString('base64'),
          },
      account: restoring ?? null,
      stream: null,
      queue: [],
      open: true,
      pending: new Map(),
      hangs: new Set(),
    };
    this.sessions.set(sid, session);
    this.changed();
    return restoring
      ? { sid, restored: true, account: restoring }
      : { sid, restored: false, qr: session.qr! };
  }

  private settle(session: PageSession | undefined, result: FakePageCommandResult): void {
    const pending = session?.pending.get(result.seq);
    if (!session || !pending) return;
    session.pending.delete(result.seq);
    clearTimeout(pending.timer);
    if (result.ok) {
      pending.resolve(result.value);
    } else {
      const message = result.error ?? 'unknown error';
      pending.reject(new Error(`the page refused the command: ${message.split('\n')[0] ?? ''}`));
    }
  }

  private recordSent(session: PageSession | undefined, report: FakeSentReport): FakeSentResponse {
    this.sent.push({ account: session?.account?.wid ?? '', ...report });
    this.changed();
    return { ack: this.serverAck };
  }

  private openStream(sid: string, req: IncomingMessage, res: ServerResponse): void {
    const session = this.sessions.get(sid);
    if (!session?.open) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    session.stream = res;
    for (const frame of session.queue.splice(0)) res.write(frame);
    // The stream lives as long as the page: a navigation or a closed browser ends it.
    req.on('close', () => {
      if (session.stream === res) this.closeSession(session);
    });
  }

  private holdHang(url: URL, res: ServerResponse): void {
    const session = this.sessions.get(url.searchParams.get('sid') ?? '');
    if (!session?.open) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    session.hangs.add(res);
    res.on('close', () => session.hangs.delete(res));
    this.changed();
  }
}

/** The string whatsapp-web.js builds and emits as `qr` for this material. */
function qrString(material: FakeQrMaterial): string {
  return [
    material.ref,
    material.noisePublicKey,
    material.identityPublicKey,
    material.advSecretKey,
    DEVICE_PLATFORM,
  ].join(',');
}

function newRef(): string {
  return `2@${randomBytes(30).toString('base64')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `15550001111` or `+1 555 000 1111` → `15550001111@c.us`; a wid is kept as it is. */
function toWid(value: string, server: 'c.us' | 'lid'): string {
  if (value.includes('@')) return value;
  return `${value.replace(/\D/g, '')}@${server}`;
}

function toUserWid(phone: string): string {
  return toWid(phone, 'c.us');
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
