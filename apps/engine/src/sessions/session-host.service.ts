import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EngineErrorCode,
  type EngineMediaView,
  type EngineSessionView,
  type MarkReadResult,
  type RecoveryReason,
  type SendMediaRequest,
  type SendResult,
  type SendTextRequest,
  type StartSessionRequest,
} from '@switchboard/contracts';
import type { Logger } from 'pino';
import { EventOutboxService } from '../callbacks/event-outbox.service';
import { StartGate } from './start-gate';
import { EngineException } from '../common/engine.exception';
import { SessionCustodyService } from '../ownership/session-custody.service';
import type { LeaseLossReason } from '../ownership/session-leases';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER, WHATSAPP_CLIENT_FACTORY } from '../engine.tokens';
import type { WhatsAppClientFactory } from '../whatsapp/whatsapp-client.port';
import { loadOutgoingMedia } from './outgoing-media';
import { IdempotencyCache } from './idempotency-cache';
import { KeyedLock } from './keyed-lock';
import { WarmPool, type WarmClient } from './warm-pool';
import { WhatsAppSession } from './whatsapp-session';

/** Failures of a send that surely did not reach WhatsApp; a retry with the same key may send. */
const RETRYABLE_SEND_FAILURES = new Set<EngineErrorCode>([
  EngineErrorCode.SESSION_NOT_CONNECTED,
  EngineErrorCode.SESSION_NOT_FOUND,
  EngineErrorCode.VALIDATION_FAILED,
]);

/**
 * Hosts this engine's WhatsApp Web sessions: one client per session, at most
 * `ENGINE_MAX_SESSIONS` running at once, lifecycle commands serialized per session.
 */
@Injectable()
export class SessionHostService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sessions = new Map<string, WhatsAppSession>();
  private readonly lock = new KeyedLock();
  private readonly sends = new IdempotencyCache<SendResult>();
  private readonly saveTimer: NodeJS.Timeout;
  /** The second save after each link; cleared at shutdown, the profile is no longer ours then. */
  private readonly settleTimers = new Set<NodeJS.Timeout>();
  private readonly startGate: StartGate;
  private readonly pool: WarmPool;
  private closing = false;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(WHATSAPP_CLIENT_FACTORY) private readonly factory: WhatsAppClientFactory,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
    private readonly outbox: EventOutboxService,
    private readonly custody: SessionCustodyService,
  ) {
    this.startGate = new StartGate(config.startConcurrency);
    this.pool = new WarmPool({
      size: config.warmPool,
      factory,
      startGate: this.startGate,
      logger: logger.child({ component: 'warm-pool' }),
      destroyTimeoutMs: config.destroyTimeoutMs,
      hasRoom: () => !this.closing && this.counts().running + this.pool.held < config.maxSessions,
    });
    custody.onLost((sessionId, reason) => void this.relinquish(sessionId, reason));
    this.saveTimer = setInterval(() => void this.saveLogins(), config.authSaveIntervalMs);
    this.saveTimer.unref();
  }

  /**
   * Without adoption the pool fills at once; with it, adoption calls `warmUp()` after its first
   * round, so the engine's own sessions reach the start gate before any pooled client.
   */
  onApplicationBootstrap(): void {
    if (this.config.claimIntervalMs === 0) this.warmUp();
  }

  /** Lets the warm pool fill (in the background, whenever no session start runs or waits). */
  warmUp(): void {
    this.pool.enable();
  }

  /** The warm pool: clients waiting at their QR, and the one being started for it. */
  warmPoolCounts(): { ready: number; starting: number; size: number } {
    return this.pool.counts;
  }

  /** Starts the session here, after taking it (its lease, and its login if stored elsewhere). */
  start(sessionId: string, request: StartSessionRequest): Promise<EngineSessionView> {
    return this.lock.run(sessionId, async () => {
      const existing = this.sessions.get(sessionId);
      if (existing?.running) return existing.view();
      this.assertOpen();
      this.assertCapacity();
      await this.custody.take(sessionId);
      const session = existing ?? this.create(sessionId);
      // A login to restore, or a pairing code, needs a client launched for it.
      const warm =
        request.pairing_phone_number || (await this.factory.hasAuth(sessionId))
          ? null
          : this.pool.take();
      if (warm && (await this.startWarm(session, warm))) return session.view();
      // Pooled clients count toward the cap: one gives way when the engine is full.
      await this.pool.shrinkTo(this.config.maxSessions - this.counts().running - 1);
      session.start(
        request.pairing_phone_number ? { pairingPhoneNumber: request.pairing_phone_number } : {},
      );
      return session.view();
    });
  }

  stop(sessionId: string): Promise<EngineSessionView> {
    return this.command(sessionId, (session) => session.stop());
  }

  logout(sessionId: string): Promise<EngineSessionView> {
    return this.command(sessionId, (session) => session.logout());
  }

  restart(sessionId: string): Promise<EngineSessionView> {
    return this.command(sessionId, async (session) => {
      if (!session.running) await this.takeForRestart(sessionId);
      await session.restart();
    });
  }

  regenerateQr(sessionId: string): Promise<EngineSessionView> {
    return this.command(sessionId, async (session) => {
      if (!session.running) await this.takeForRestart(sessionId);
      await session.regenerateQr();
    });
  }

  status(sessionId: string): EngineSessionView {
    return this.get(sessionId).view();
  }

  sendText(sessionId: string, request: SendTextRequest): Promise<SendResult> {
    return this.withSession(sessionId, (session) =>
      this.idempotent(sessionId, request, () =>
        session.send(request.idempotency_key, request.chat_id, request.text, {
          ...(request.quoted_message_id ? { quotedMessageId: request.quoted_message_id } : {}),
        }),
      ),
    );
  }

  sendMedia(sessionId: string, request: SendMediaRequest): Promise<SendResult> {
    return this.withSession(sessionId, (session) =>
      this.idempotent(sessionId, request, async () => {
        session.connectedClient();
        const media = this.factory.media(
          await loadOutgoingMedia(request.media, this.config.bodyLimitBytes),
        );
        return session.send(request.idempotency_key, request.chat_id, media, {
          ...(request.caption ? { caption: request.caption } : {}),
          ...(request.quoted_message_id ? { quotedMessageId: request.quoted_message_id } : {}),
        });
      }),
    );
  }

  async markRead(sessionId: string, chatId: string): Promise<MarkReadResult> {
    const client = this.get(sessionId).connectedClient();
    try {
      return { chat_id: chatId, ok: await client.sendSeen(chatId) };
    } catch (error) {
      throw providerError('mark the chat read', error);
    }
  }

  async media(sessionId: string, messageId: string): Promise<EngineMediaView> {
    const client = this.get(sessionId).connectedClient();
    let media;
    try {
      const message = await client.getMessageById(messageId);
      if (!message?.hasMedia || !message.downloadMedia) {
        throw new EngineException(
          EngineErrorCode.MESSAGE_NOT_FOUND,
          `No message with media ${messageId} on this session`,
        );
      }
      media = await message.downloadMedia();
    } catch (error) {
      if (error instanceof EngineException) throw error;
      throw providerError('download the media', error);
    }
    if (!media) {
      throw new EngineException(
        EngineErrorCode.MESSAGE_NOT_FOUND,
        `The media of ${messageId} is no longer available`,
      );
    }
    return {
      provider_message_id: messageId,
      mimetype: media.mimetype,
      filename: media.filename ?? null,
      size: media.filesize ?? Math.floor((media.data.length * 3) / 4),
      base64: media.data,
    };
  }

  /** Clients starting now and waiting for a start slot. */
  startCounts(): { starting: number; queued: number } {
    return this.startGate.counts;
  }

  counts(): { total: number; running: number } {
    let running = 0;
    for (const session of this.sessions.values()) if (session.running) running += 1;
    return { total: this.sessions.size, running };
  }

  /**
   * The watchdog's round: `check` judges each connected session (outside its lock, so a hung
   * page cannot block commands); a session judged dead or bloated is recycled under its lock.
   */
  async checkHealth(
    check: (session: WhatsAppSession) => Promise<{ reason: RecoveryReason; detail: string } | null>,
  ): Promise<void> {
    const connected = [...this.sessions.values()].filter((s) => s.currentStatus === 'connected');
    await Promise.all(
      connected.map(async (session) => {
        const verdict = await check(session);
        if (verdict)
          await this.lock.run(session.sessionId, () =>
            session.recycle(verdict.reason, verdict.detail),
          );
      }),
    );
  }

  runningSessionIds(): string[] {
    return [...this.sessions.values()].filter((s) => s.running).map((s) => s.sessionId);
  }

  /** Resolves once every event the session raised so far has reached the outbox. */
  settled(sessionId: string): Promise<void> {
    return this.sessions.get(sessionId)?.settled() ?? Promise.resolve();
  }

  /**
   * Closes every client; the logins of connected sessions are saved first-hand (Chromium has
   * flushed them once closed) and the leases given back, so any engine can resume them at once.
   */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.saveTimer);
    const pool = this.pool.shutdown();
    for (const timer of this.settleTimers) clearTimeout(timer);
    this.settleTimers.clear();
    await Promise.all(
      [...this.sessions.values()].map((session) =>
        this.lock.run(session.sessionId, async () => {
          const wasConnected = session.currentStatus === 'connected';
          await session.shutdown();
          if (wasConnected) await this.custody.saveLogin(session.sessionId);
          if (this.custody.holds(session.sessionId)) await this.custody.giveBack(session.sessionId);
        }),
      ),
    );
    await pool;
    this.custody.stop();
  }

  /** Hands a pooled client to the session; false (client closed) when that cannot be done. */
  private async startWarm(session: WhatsAppSession, warm: WarmClient): Promise<boolean> {
    try {
      await this.factory.claimProfile(session.sessionId, warm.poolId);
    } catch (error) {
      this.logger.error(
        { session: session.sessionId, err: error },
        'could not claim a pooled profile',
      );
      await this.pool.discard(warm);
      return false;
    }
    if (warm.lost) {
      await this.pool.discard(warm);
      await this.factory.releaseProfile(session.sessionId).catch(() => undefined);
      return false;
    }
    const { qr, shownAt } = warm.handOver();
    session.startWarm(warm.client, qr, shownAt);
    return true;
  }

  private create(sessionId: string): WhatsAppSession {
    const session = new WhatsAppSession(sessionId, {
      config: this.config,
      factory: this.factory,
      logger: this.logger.child({ session: sessionId }),
      publish: (event) => this.outbox.enqueue(event),
      startGate: this.startGate,
      exclusive: (work) => this.lock.run(sessionId, work),
      onConnected: ({ linked }) =>
        linked ? this.saveAfterLinking(session) : this.saveAfterRestore(session),
      onEnded: async (_status, reason) => {
        if (reason === 'logged_out') await this.custody.forgetLogin(sessionId);
        await this.custody.giveBack(sessionId);
      },
    });
    this.sessions.set(sessionId, session);
    return session;
  }

  /** Saves the login now, and once more when Chromium has surely written all of it. */
  private saveAfterLinking(session: WhatsAppSession): void {
    void this.custody.saveLogin(session.sessionId);
    if (this.config.authSettleMs > 0) this.saveWhenSettled(session);
  }

  /**
   * A session back on a login the server already stores (a restore, a reconnect) is saved once,
   * later: after every start in line is done, so dozens of restores after an engine restart do
   * not also pack and upload dozens of unchanged logins while they compete for the CPU.
   */
  private saveAfterRestore(session: WhatsAppSession): void {
    void this.startGate.whenIdle().then(() => {
      if (!this.closing) this.saveWhenSettled(session);
    });
  }

  /** Saves the login once Chromium has had `authSettleMs` to write it, if still connected then. */
  private saveWhenSettled(session: WhatsAppSession): void {
    const timer = setTimeout(() => {
      this.settleTimers.delete(timer);
      if (session.currentStatus === 'connected') void this.custody.saveLogin(session.sessionId);
    }, this.config.authSettleMs);
    timer.unref();
    this.settleTimers.add(timer);
  }

  private async takeForRestart(sessionId: string): Promise<void> {
    this.assertOpen();
    this.assertCapacity();
    await this.custody.take(sessionId);
  }

  /** The session's lease is gone: stop it here without a word, since it may run elsewhere. */
  private async relinquish(sessionId: string, reason: LeaseLossReason): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.logger.warn({ session: sessionId, reason }, 'lease lost; stopping the session here');
    await this.lock.run(sessionId, async () => {
      await session.relinquish();
      this.sessions.delete(sessionId);
    });
  }

  /** Keeps the stored logins of connected sessions fresh (WhatsApp Web rotates its keys). */
  private async saveLogins(): Promise<void> {
    for (const session of this.sessions.values())
      if (session.currentStatus === 'connected') await this.custody.saveLogin(session.sessionId);
  }

  private get(sessionId: string): WhatsAppSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw EngineException.sessionNotFound(sessionId);
    return session;
  }

  private command(
    sessionId: string,
    work: (session: WhatsAppSession) => Promise<void>,
  ): Promise<EngineSessionView> {
    return this.withSession(sessionId, (session) =>
      this.lock.run(sessionId, async () => {
        await work(session);
        return session.view();
      }),
    );
  }

  /** Runs `work` on a known session; an unknown one rejects (never throws synchronously). */
  private withSession<T>(
    sessionId: string,
    work: (session: WhatsAppSession) => Promise<T>,
  ): Promise<T> {
    const session = this.sessions.get(sessionId);
    return session ? work(session) : Promise.reject(EngineException.sessionNotFound(sessionId));
  }

  private assertOpen(): void {
    if (this.closing)
      throw new EngineException(EngineErrorCode.ENGINE_STOPPING, 'This engine is shutting down');
  }

  private assertCapacity(): void {
    const { running } = this.counts();
    if (running >= this.config.maxSessions) {
      throw new EngineException(
        EngineErrorCode.ENGINE_FULL,
        `This engine already runs its maximum of ${this.config.maxSessions} sessions`,
        { max_sessions: this.config.maxSessions },
      );
    }
  }

  private idempotent(
    sessionId: string,
    request: SendTextRequest | SendMediaRequest,
    work: () => Promise<SendResult>,
  ): Promise<SendResult> {
    const { idempotency_key: key, ...content } = request;
    const fingerprint = createHash('sha256').update(JSON.stringify(content)).digest('hex');
    return this.sends.run(`${sessionId}\u0000${key}`, fingerprint, work, (error) => {
      const keep = !(error instanceof EngineException && RETRYABLE_SEND_FAILURES.has(error.code));
      if (keep) this.logger.warn({ session: sessionId, err: error }, 'send failed');
      return keep;
    });
  }
}

function providerError(action: string, error: unknown): EngineException {
  return new EngineException(EngineErrorCode.PROVIDER_ERROR, `WhatsApp Web could not ${action}`, {
    cause: error instanceof Error ? error.message : String(error),
  });
}
