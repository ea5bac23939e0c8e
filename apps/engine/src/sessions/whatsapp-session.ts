import { randomUUID } from 'node:crypto';
import {
  EngineErrorCode,
  isForwardStatus,
  type DisconnectReason,
  type EngineEvent,
  type EngineEventOf,
  type EngineEventType,
  type EngineQrView,
  type EngineSessionView,
  type MessageStatus,
  type RecoveryReason,
  type SendResult,
  type SessionStatus,
} from '@switchboard/contracts';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { EngineException } from '../common/engine.exception';
import type { EngineConfig } from '../engine-config';
import type { StartGate } from './start-gate';
import {
  ackStatus,
  chatIdOf,
  describeParty,
  isStatusBroadcast,
  toEngineMessage,
} from '../whatsapp/webjs-message.mapper';
import type {
  CreateClientOptions,
  WebJsMessage,
  WebJsSendOptions,
  WhatsAppClient,
  WhatsAppClientFactory,
} from '../whatsapp/whatsapp-client.port';
import { canRegenerateQr, classifyDisconnect, isRunning } from './session-state';

/** WhatsApp Web replaces its QR about every 20 s. */
export const QR_LIFETIME_MS = 20_000;
/** A pairing code stays valid for the library's default interval of 3 minutes. */
export const PAIRING_CODE_LIFETIME_MS = 180_000;
/** `client.info` can lag `ready` by a moment; it is read this many times, this far apart. */
export const PHONE_READ_ATTEMPTS = 10;
export const PHONE_READ_INTERVAL_MS = 500;
/** The pause before reconnect `attempt` (1-based): doubling from the base, capped. */
export function reconnectDelayMs(
  attempt: number,
  { baseDelayMs, maxDelayMs }: EngineConfig['reconnect'],
): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
}
/** How long a logged-out client may take to re-inject itself before it is closed anyway. */
export const LOGOUT_SETTLE_MS = 10_000;
/** The library still wires a few listeners after its new QR; this covers them with room to spare. */
const AFTER_QR_GRACE_MS = 1_000;
/** How long a phone-sent message waits for the engine's own sends to settle before it is judged. */
const SEND_SETTLE_TIMEOUT_MS = 60_000;
const TRACKED_MESSAGES = 5_000;

export interface SessionDeps {
  config: EngineConfig;
  factory: WhatsAppClientFactory;
  logger: Logger;
  publish: (event: EngineEvent) => void;
  /** Admits client starts a few at a time across the engine. */
  startGate: StartGate;
  /** Runs lifecycle work under the session's lock (the same one commands take). */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  /**
   * The number connected: `linked` when this client showed a QR or code first (a new login, worth
   * saving at once); otherwise it came back on a login that is stored already.
   */
  onConnected?: (how: { linked: boolean }) => void;
  /** The session stopped for good (not a reconnect); awaited under the session lock. */
  onEnded?: (status: SessionStatus, reason: DisconnectReason | null) => Promise<void>;
}

type EventData<T extends EngineEventType> = EngineEventOf<T>['data'];

/**
 * One WhatsApp Web session: its client, its status and the mapping of the library's events
 * into contract events. Lifecycle methods are called under the session lock; events are
 * published through one promise chain so they leave in the order they happened.
 */
export class WhatsAppSession {
  private status: SessionStatus = 'disconnected';
  private reason: DisconnectReason | null = null;
  private phone: string | null = null;
  private wid: string | null = null;
  private qr: EngineQrView | null = null;
  /** The current client showed a QR or pairing code: its `ready` is a new link, not a restore. */
  private prompted = false;
  private pairingCode: string | null = null;
  private client: WhatsAppClient | null = null;
  private clientOptions: CreateClientOptions = {};
  private qrWindowEndsAt: number | null = null;
  private qrWindowTimer: NodeJS.Timeout | null = null;
  private recoveryTimer: NodeJS.Timeout | null = null;
  /** Frees the start slot the current client holds, while it holds one. */
  private releaseStart: (() => void) | null = null;
  private recoveryAttempt = 0;
  private sequence = 0;
  private pipeline: Promise<void> = Promise.resolve();
  private readonly acks = new Map<string, MessageStatus>();
  private readonly sentByEngine = new Set<string>();
  private readonly pendingSends = new Set<Promise<unknown>>();

  constructor(
    readonly sessionId: string,
    private readonly deps: SessionDeps,
  ) {}

  /** Holds a client, or is about to (waiting to reconnect). */
  get running(): boolean {
    return isRunning(this.status);
  }

  get currentStatus(): SessionStatus {
    return this.status;
  }

  view(): EngineSessionView {
    return {
      session_id: this.sessionId,
      engine_id: this.deps.config.engineId,
      status: this.status,
      reason: this.reason,
      phone: this.phone,
      wid: this.wid,
      qr: this.status === 'qr_scanning' ? this.qr : null,
      pairing_code: this.status === 'qr_scanning' ? this.pairingCode : null,
    };
  }

  /** Resolves once every event raised so far has been handed to the outbox. */
  settled(): Promise<void> {
    return this.pipeline;
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle (called under the session lock)

  start(options: CreateClientOptions): void {
    if (this.running) return;
    this.clientOptions = options;
    this.recoveryAttempt = 0;
    this.launch();
  }

  /**
   * Starts with a client of the warm pool, already waiting at `qr` (shown at `shownAt`): the QR
   * is reported for this session now, and every later one as it comes.
   */
  startWarm(client: WhatsAppClient, qr: string, shownAt: number): void {
    if (this.running) throw new Error(`session ${this.sessionId} already runs a client`);
    this.clientOptions = {};
    this.recoveryAttempt = 0;
    this.prompted = false;
    this.qr = null;
    this.pairingCode = null;
    this.setStatus('initializing', null);
    this.client = client;
    this.wire(client);
    this.onQr(client, qr, shownAt);
  }

  async stop(reason: DisconnectReason = 'user_initiated'): Promise<void> {
    await this.teardown();
    this.setStatus('disconnected', reason);
    await this.ended();
  }

  async restart(): Promise<void> {
    await this.teardown();
    this.recoveryAttempt = 0;
    this.launch();
  }

  async regenerateQr(): Promise<void> {
    if (!canRegenerateQr(this.status))
      throw EngineException.invalidState(this.sessionId, this.status, 'show a new QR');
    // WhatsApp Web no longer refreshes a QR on demand (Cmd.refreshQR is gone): a fresh client
    // gives a fresh QR and a fresh window.
    await this.teardown();
    this.recoveryAttempt = 0;
    this.launch();
  }

  async logout(): Promise<void> {
    const client = this.client;
    if (client && this.status === 'connected') {
      this.detach();
      try {
        await withTimeout(client.logout(), this.deps.config.destroyTimeoutMs);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'logout through WhatsApp Web failed; destroying');
        await this.destroyClient(client);
      }
      client.removeAllListeners();
    } else {
      await this.teardown();
    }
    await this.deps.factory.clearAuth(this.sessionId);
    this.setStatus('disconnected', 'logged_out');
    await this.ended();
  }

  /** Closes the client without reporting anything, for engine shutdown. */
  async shutdown(): Promise<void> {
    await this.teardown();
  }

  /**
   * Closes the client without reporting anything, because the session is no longer this
   * engine's to run (its lease is gone); whoever runs it now reports its status.
   */
  async relinquish(): Promise<void> {
    await this.teardown();
    this.status = 'disconnected';
    this.reason = 'instance_restart';
  }

  // -------------------------------------------------------------------------------------------
  // Health (for the watchdog)

  /** The process id of this session's Chromium, while it has one. */
  browserPid(): number | null {
    return this.client?.pupBrowser?.process()?.pid ?? null;
  }

  /**
   * Asks the page for its state, as any command would. A page that does not answer in time, or
   * whose browser is gone, is dead even if the session still says connected.
   */
  async probe(timeoutMs: number): Promise<{ alive: true } | { alive: false; detail: string }> {
    const client = this.client;
    if (!client || this.status !== 'connected') return { alive: true };
    try {
      const state = await withTimeout(client.getState(), timeoutMs);
      return state === null ? { alive: false, detail: 'no state' } : { alive: true };
    } catch (error) {
      return { alive: false, detail: errorText(error) };
    }
  }

  /**
   * Replaces a dead or bloated client with a fresh one from the stored login (no QR), reporting
   * why. Called under the session lock; a client that changed meanwhile is left alone.
   */
  async recycle(reason: RecoveryReason, detail: string): Promise<void> {
    if (!this.client || this.status !== 'connected') return;
    this.deps.logger.warn({ reason, detail }, 'recycling the WhatsApp Web client');
    await this.teardown();
    this.recoveryAttempt = 0;
    this.setStatus('reconnecting', null);
    this.emit('session.recovery', { reason, attempt: 1, detail });
    this.launch();
  }

  // -------------------------------------------------------------------------------------------
  // Commands on a connected session

  connectedClient(): WhatsAppClient {
    if (this.status !== 'connected' || !this.client)
      throw EngineException.notConnected(this.sessionId, this.status);
    return this.client;
  }

  async send(
    idempotencyKey: string,
    chatId: string,
    content: unknown,
    options: WebJsSendOptions,
  ): Promise<SendResult> {
    const client = this.connectedClient();
    let sending: Promise<WebJsMessage> | null = null;
    try {
      // Inside the try: the library may also throw before it returns a promise.
      sending = client.sendMessage(chatId, content, options);
      this.pendingSends.add(sending);
      const message = await sending;
      const providerId = message.id._serialized;
      remember(this.sentByEngine, providerId);
      // The status is only answered here, not remembered: the library's ack event for it may
      // still be queued, and it must reach the server as an event like every later ack.
      const status = ackStatus(message.ack) ?? 'pending';
      return {
        idempotency_key: idempotencyKey,
        provider_message_id: providerId,
        chat_id: chatId,
        timestamp: message.timestamp,
        status: this.acks.get(providerId) ?? status,
      };
    } catch (error) {
      throw new EngineException(EngineErrorCode.PROVIDER_ERROR, 'WhatsApp Web did not send it', {
        cause: error instanceof Error ? error.message : String(error),
      });
    } finally {
      if (sending) this.pendingSends.delete(sending);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Client wiring

  private launch(): void {
    this.prompted = false;
    this.qr = null;
    this.pairingCode = null;
    this.setStatus('initializing', null);
    const client = this.deps.factory.create(this.sessionId, this.clientOptions);
    this.client = client;
    this.wire(client);
    void this.initializeWhenAdmitted(client);
  }

  /**
   * Waits for a start slot, then starts the client. The slot is held until the start has done
   * its heavy part (first QR or code, ready, or failure), or the client is closed.
   * initialize() resolves after the first QR, or before `ready` on a restored login; the
   * command answered at once and the rest arrives as events.
   */
  private async initializeWhenAdmitted(client: WhatsAppClient): Promise<void> {
    const release = await this.deps.startGate.enter();
    if (this.client !== client) return release();
    this.releaseStart = release;
    client.initialize().catch((error: unknown) => {
      if (this.client !== client) return;
      this.startDone();
      this.deps.logger.error({ err: error }, 'client failed to initialize');
      void this.deps.exclusive(() => this.onLost(client, 'initialize_failed', errorText(error)));
    });
  }

  /** The current client's start is over: its slot goes to the next one in line. */
  private startDone(): void {
    this.releaseStart?.();
    this.releaseStart = null;
  }

  private wire(client: WhatsAppClient): void {
    const current = () => this.client === client;
    // Any of these ends the heavy part of a start.
    for (const event of ['qr', 'code', 'ready', 'auth_failure', 'disconnected'] as const)
      client.on(event, () => current() && this.startDone());
    client.on('qr', (qr) => current() && this.onQr(client, qr));
    client.on('code', (code) => current() && this.onPairingCode(client, code));
    client.on('loading_screen', () => current() && this.clearQrWindow());
    client.on('authenticated', () => {
      if (!current()) return;
      this.clearQrWindow();
      this.setStatus('authenticated', null);
    });
    client.on('auth_failure', (message) => {
      if (!current()) return;
      this.deps.logger.warn({ detail: message }, 'authentication failed');
      void this.deps.exclusive(async () => {
        if (!current()) return;
        await this.teardown();
        this.setStatus('failed', 'error');
        await this.ended();
      });
    });
    client.on('ready', () => current() && this.onReady(client));
    client.on('change_state', (state) => {
      if (current()) this.deps.logger.debug({ state }, 'WhatsApp Web state changed');
    });
    client.on('disconnected', (reason) => {
      if (!current()) return;
      // After a phone-side logout the library reloads the page and injects itself again; closing
      // the browser in the middle of that crashes it (an unhandled TargetCloseError, which the
      // process guard would have to contain). Its next QR says the injection is nearly done.
      // Listen now: the injection races the session lock.
      const reinjected = String(reason) === 'LOGOUT' ? nextQr(client) : null;
      void this.deps.exclusive(() => this.onDisconnected(client, String(reason), reinjected));
    });
    client.on('message', (message) => current() && !message.fromMe && this.onInbound(message));
    client.on('message_create', (message) => current() && message.fromMe && this.onOwn(message));
    client.on('message_ack', (message, ack) => current() && this.onAck(message, ack));
    client.on('message_edit', (message, newBody) => {
      if (!current() || isStatusBroadcast(message)) return;
      this.emit('message.edited', {
        provider_message_id: message.id._serialized,
        chat_id: chatIdOf(message),
        body: String(newBody),
      });
    });
    client.on('message_revoke_everyone', (message, revoked) => {
      if (!current() || isStatusBroadcast(message)) return;
      this.emit('message.revoked', {
        provider_message_id: (revoked ?? message).id._serialized,
        chat_id: chatIdOf(message),
      });
    });
  }

  /** `shownAt`: when WhatsApp Web made the QR (earlier than now for a pooled client's). */
  private onQr(client: WhatsAppClient, qr: string, shownAt = Date.now()): void {
    const now = Date.now();
    this.prompted = true;
    this.openQrWindow(client, now);
    const expiresAt = new Date(Math.max(now, shownAt + QR_LIFETIME_MS)).toISOString();
    const windowEndsAt = new Date(this.qrWindowEndsAt ?? now).toISOString();
    this.setStatus('qr_scanning', null);
    this.enqueue(async () => {
      const dataUrl = await QRCode.toDataURL(qr, { errorCorrectionLevel: 'M', margin: 1 });
      if (this.client !== client) return;
      this.qr = { qr, qr_data_url: dataUrl, expires_at: expiresAt, window_ends_at: windowEndsAt };
      this.publishNow('session.qr', { ...this.qr }, now);
    });
  }

  private onPairingCode(client: WhatsAppClient, code: string): void {
    const now = Date.now();
    this.prompted = true;
    this.openQrWindow(client, now);
    this.pairingCode = code;
    this.setStatus('qr_scanning', null);
    this.emit('session.pairing_code', {
      code,
      expires_at: new Date(now + PAIRING_CODE_LIFETIME_MS).toISOString(),
      window_ends_at: new Date(this.qrWindowEndsAt ?? now).toISOString(),
    });
  }

  private onReady(client: WhatsAppClient): void {
    this.clearQrWindow();
    this.recoveryAttempt = 0;
    this.qr = null;
    this.pairingCode = null;
    this.enqueue(async () => {
      const wid = await this.readOwnId(client);
      if (this.client !== client) return;
      if (wid) {
        const party = describeParty(wid);
        this.wid = wid;
        this.phone = party.phone;
      } else {
        this.deps.logger.warn('connected, but WhatsApp Web did not tell its own number');
      }
      this.status = 'connected';
      this.reason = null;
      this.publishNow('session.status', this.statusData());
      this.deps.onConnected?.({ linked: this.prompted });
      this.deps.logger.info({ wid_kind: wid ? describeParty(wid).kind : null }, 'connected');
    });
  }

  /** The library fills `client.info` at `ready`, but not always at once. */
  private async readOwnId(client: WhatsAppClient): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      const wid = client.info?.wid?._serialized;
      if (wid) return wid;
      if (attempt >= PHONE_READ_ATTEMPTS || this.client !== client) return null;
      await delay(PHONE_READ_INTERVAL_MS);
    }
  }

  private async onDisconnected(
    client: WhatsAppClient,
    reason: string,
    reinjected: Promise<void> | null,
  ): Promise<void> {
    if (this.client !== client) return;
    const outcome = classifyDisconnect(reason);
    this.deps.logger.warn({ reason, outcome: outcome.kind }, 'WhatsApp Web disconnected');
    switch (outcome.kind) {
      case 'logged_out':
        await this.teardown(reinjected);
        await this.deps.factory.clearAuth(this.sessionId);
        this.setStatus('disconnected', 'logged_out');
        await this.ended();
        return;
      case 'banned':
        await this.teardown();
        this.setStatus('banned', 'error');
        await this.ended();
        return;
      case 'recover':
        await this.onLost(client, 'connection_lost', reason);
        return;
    }
  }

  /**
   * The client died under us: retry from the stored login with a capped, doubling pause, and
   * give up as `failed` after the configured number of attempts (a logout never gets here).
   */
  private async onLost(
    client: WhatsAppClient,
    reason: 'connection_lost' | 'initialize_failed',
    detail: string,
  ): Promise<void> {
    if (this.client !== client) return;
    await this.teardown();
    const { reconnect } = this.deps.config;
    if (this.recoveryAttempt >= reconnect.maxAttempts) {
      this.deps.logger.error({ attempts: this.recoveryAttempt }, 'recovery gave up');
      this.setStatus('failed', 'error');
      await this.ended();
      return;
    }
    this.recoveryAttempt += 1;
    const delayMs = reconnectDelayMs(this.recoveryAttempt, reconnect);
    this.setStatus('reconnecting', null);
    this.emit('session.recovery', { reason, attempt: this.recoveryAttempt, detail });
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = null;
      void this.deps.exclusive(() => {
        if (this.status === 'reconnecting' && !this.client) this.launch();
        return Promise.resolve();
      });
    }, delayMs);
  }

  private onInbound(message: WebJsMessage): void {
    const mapped = toEngineMessage(message);
    if (!mapped) return;
    rememberStatus(this.acks, mapped.provider_message_id, mapped.status);
    this.emit('message.received', { message: mapped });
  }

  /**
   * `message_create` fires for every own message, including the ones this engine sends (often
   * before `sendMessage` returns). Those are answered to the server by the send command, so only
   * messages typed on the phone become events; judging needs the engine's sends to settle.
   */
  private onOwn(message: WebJsMessage): void {
    const mapped = toEngineMessage(message);
    if (!mapped) return;
    this.enqueue(async () => {
      if (this.pendingSends.size) {
        await withTimeout(Promise.allSettled([...this.pendingSends]), SEND_SETTLE_TIMEOUT_MS).catch(
          () => undefined,
        );
      }
      if (this.sentByEngine.has(mapped.provider_message_id)) return;
      if (!this.acks.has(mapped.provider_message_id))
        rememberStatus(this.acks, mapped.provider_message_id, mapped.status);
      this.publishNow('message.sent_from_phone', { message: mapped });
    });
  }

  private onAck(message: WebJsMessage, ack: number): void {
    if (isStatusBroadcast(message)) return;
    const next = ackStatus(ack);
    if (!next) return;
    const id = message.id._serialized;
    // Judged in the pipeline so an ack never overtakes the message it belongs to.
    this.enqueue(() => {
      const previous = this.acks.get(id);
      if (previous && !isForwardStatus(previous, next)) return Promise.resolve();
      rememberStatus(this.acks, id, next);
      this.publishNow('message.ack', {
        provider_message_id: id,
        chat_id: chatIdOf(message),
        status: next,
      });
      return Promise.resolve();
    });
  }

  // -------------------------------------------------------------------------------------------
  // QR window

  private openQrWindow(client: WhatsAppClient, now: number): void {
    if (this.qrWindowTimer) return;
    this.qrWindowEndsAt = now + this.deps.config.qrWindowMs;
    this.qrWindowTimer = setTimeout(() => {
      this.qrWindowTimer = null;
      void this.deps.exclusive(async () => {
        if (this.client !== client || !['initializing', 'qr_scanning'].includes(this.status))
          return;
        this.deps.logger.info('no scan within the QR window; stopping');
        await this.teardown();
        this.setStatus('disconnected', 'qr_expired');
        await this.ended();
      });
    }, this.deps.config.qrWindowMs);
  }

  private clearQrWindow(): void {
    if (this.qrWindowTimer) clearTimeout(this.qrWindowTimer);
    this.qrWindowTimer = null;
    this.qrWindowEndsAt = null;
  }

  // -------------------------------------------------------------------------------------------
  // Teardown

  /** Stops listening to the current client (late events from it are ignored from now on). */
  private detach(): WhatsAppClient | null {
    const client = this.client;
    this.client = null;
    this.startDone();
    this.clearQrWindow();
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.recoveryTimer = null;
    this.qr = null;
    this.pairingCode = null;
    return client;
  }

  /** Detaches the client and closes it, after `settle` (bounded) when the library is busy. */
  private async teardown(settle: Promise<void> | null = null): Promise<void> {
    const client = this.detach();
    if (!client) return;
    if (settle) await withTimeout(settle, LOGOUT_SETTLE_MS).catch(() => undefined);
    await this.destroyClient(client);
    client.removeAllListeners();
    // A client whose start failed half-way can leave its browser running on the profile.
    await this.deps.factory.releaseProfile(this.sessionId).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'could not free the session profile');
    });
  }

  /** `destroy()` can hang (whatsapp-web.js #3846): give it a deadline, then kill Chromium. */
  private async destroyClient(client: WhatsAppClient): Promise<void> {
    try {
      await withTimeout(client.destroy(), this.deps.config.destroyTimeoutMs);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'client destroy failed or timed out; killing browser');
      try {
        client.pupBrowser?.process()?.kill('SIGKILL');
      } catch (killError) {
        this.deps.logger.error({ err: killError }, 'could not kill the browser process');
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Events

  private setStatus(status: SessionStatus, reason: DisconnectReason | null): void {
    if (this.status === status && this.reason === reason) return;
    this.status = status;
    this.reason = reason;
    if (status === 'disconnected' || status === 'failed' || status === 'banned') {
      this.qr = null;
      this.pairingCode = null;
    }
    this.emit('session.status', this.statusData());
  }

  private async ended(): Promise<void> {
    await this.deps.onEnded?.(this.status, this.reason);
  }

  private statusData(): EventData<'session.status'> {
    return { status: this.status, reason: this.reason, phone: this.phone, wid: this.wid };
  }

  private emit<T extends EngineEventType>(type: T, data: EventData<T>): void {
    this.enqueue(() => {
      this.publishNow(type, data);
      return Promise.resolve();
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.pipeline = this.pipeline.then(step).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'session event handling failed');
    });
  }

  private publishNow<T extends EngineEventType>(
    type: T,
    data: EventData<T>,
    occurredAt = Date.now(),
  ): void {
    this.sequence += 1;
    this.deps.publish({
      type,
      event_id: randomUUID(),
      session_id: this.sessionId,
      engine_id: this.deps.config.engineId,
      sequence: this.sequence,
      occurred_at: new Date(occurredAt).toISOString(),
      data,
    } as EngineEvent);
  }
}

/** Resolves shortly after the client's next QR, when the library has finished injecting. */
function nextQr(client: WhatsAppClient): Promise<void> {
  return new Promise<void>((resolve) => client.on('qr', () => resolve())).then(() =>
    delay(AFTER_QR_GRACE_MS),
  );
}

function remember(set: Set<string>, value: string): void {
  set.add(value);
  if (set.size > TRACKED_MESSAGES) set.delete(set.values().next().value as string);
}

function rememberStatus(map: Map<string, MessageStatus>, id: string, status: MessageStatus): void {
  map.delete(id);
  map.set(id, status);
  if (map.size > TRACKED_MESSAGES) map.delete(map.keys().next().value as string);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
