import { Inject, Injectable } from '@nestjs/common';
import { EngineErrorCode } from '@switchboard/contracts';
import type { Logger } from 'pino';
import { EngineException } from '../common/engine.exception';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER, WHATSAPP_CLIENT_FACTORY } from '../engine.tokens';
import { SERVER_LINK, type EngineServerLink } from '../server-link/server-link.port';
import type { WhatsAppClientFactory } from '../whatsapp/whatsapp-client.port';
import { SessionLeases, type LeaseLossListener } from './session-leases';

const SAVE_ATTEMPTS = 3;
const SAVE_RETRY_MS = 1_000;

/**
 * Which sessions this engine may run, and their logins' safekeeping: a session is taken (its
 * lease at the server, and its login fetched when this machine has none) before its client
 * starts, its login is saved back to the server while it runs, and it is given back when it
 * stops — so another engine can restore it without a new QR.
 */
@Injectable()
export class SessionCustodyService {
  private readonly leases: SessionLeases;

  constructor(
    @Inject(ENGINE_CONFIG) config: EngineConfig,
    @Inject(SERVER_LINK) private readonly link: EngineServerLink,
    @Inject(WHATSAPP_CLIENT_FACTORY) private readonly factory: WhatsAppClientFactory,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {
    this.leases = new SessionLeases(link, {
      ttlMs: config.leaseTtlMs,
      onRenewalFailed: (error) =>
        logger.warn({ err: error }, 'renewing session leases at the server failed'),
    });
  }

  /** Runs when a lease is lost; the session must stop here, since it may run elsewhere now. */
  onLost(listener: LeaseLossListener): () => void {
    return this.leases.onLost(listener);
  }

  holds(sessionId: string): boolean {
    return this.leases.holds(sessionId);
  }

  /** Takes the lease, and the login from the server when none is on this machine. */
  async take(sessionId: string): Promise<void> {
    let held: boolean;
    try {
      held = await this.leases.acquire(sessionId);
    } catch (error) {
      throw new EngineException(
        EngineErrorCode.SERVER_UNAVAILABLE,
        'The server could not be reached to take the session',
        { cause: (error as Error).message },
      );
    }
    if (!held) {
      throw new EngineException(
        EngineErrorCode.SESSION_OWNED_ELSEWHERE,
        `Session ${sessionId} runs on another engine`,
      );
    }
    if (await this.factory.hasAuth(sessionId)) return;
    try {
      const stored = await this.link.readAuthState(sessionId);
      if (stored) {
        await this.factory.importAuth(sessionId, Buffer.from(stored.archive, 'base64'));
        this.logger.info({ session: sessionId }, 'login restored from the server');
      }
    } catch (error) {
      // Without it the session shows a QR instead of reconnecting: worse, but it still works.
      this.logger.error({ session: sessionId, err: error }, 'could not restore the stored login');
    }
  }

  /**
   * Saves the session's current login at the server. A failed save is tried again a few times
   * (the server may be restarting); after that the periodic save catches up.
   */
  async saveLogin(sessionId: string): Promise<void> {
    for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
      // Only the holder may write it: a session given up here may already run elsewhere.
      if (!this.leases.holds(sessionId)) return;
      try {
        const archive = await this.factory.exportAuth(sessionId);
        if (archive) await this.link.saveAuthState(sessionId, archive);
        return;
      } catch (error) {
        this.logger.warn(
          { session: sessionId, err: error, attempt },
          'saving the login at the server failed',
        );
        if (attempt < SAVE_ATTEMPTS)
          await new Promise((resolve) => setTimeout(resolve, SAVE_RETRY_MS * attempt));
      }
    }
  }

  /** After a logout the stored login is worthless everywhere. */
  async forgetLogin(sessionId: string): Promise<void> {
    try {
      await this.link.clearAuthState(sessionId);
    } catch (error) {
      this.logger.warn(
        { session: sessionId, err: error },
        'clearing the login at the server failed',
      );
    }
  }

  /** Gives the lease back, so the session can be started elsewhere at once. */
  async giveBack(sessionId: string): Promise<void> {
    try {
      await this.leases.release(sessionId);
    } catch (error) {
      this.logger.warn(
        { session: sessionId, err: error },
        'releasing the lease failed; it will expire',
      );
    }
  }

  /** Renews every lease now (the timer does it every third of the TTL). */
  heartbeat(): Promise<void> {
    return this.leases.heartbeat();
  }

  stop(): void {
    this.leases.stop();
  }
}
