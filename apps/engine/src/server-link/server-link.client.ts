import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ENGINE_LINK_PATHS,
  engineAuthStatePath,
  type AuthStateView,
  type ClaimsAnswer,
  type EngineAnnouncement,
  type LeaseAnswer,
} from '@switchboard/contracts';
import { signRequest } from '@switchboard/contracts/node';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG } from '../engine.tokens';
import type { EngineServerLink } from './server-link.port';

/** The server answered with an error, or could not be reached (`status` null). */
export class ServerLinkError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The engine's signed calls to the server's engine link: session leases, adoption claims and the
 * sealed auth state. Each request carries a fresh request id, so a retry is never a replay.
 */
@Injectable()
export class ServerLinkClient implements EngineServerLink {
  constructor(@Inject(ENGINE_CONFIG) private readonly config: EngineConfig) {}

  acquireLeases(sessionIds: string[], ttlMs: number): Promise<LeaseAnswer> {
    return this.call('POST', ENGINE_LINK_PATHS.acquireLeases, this.leaseBody(sessionIds, ttlMs));
  }

  renewLeases(sessionIds: string[], ttlMs: number): Promise<LeaseAnswer> {
    return this.call('POST', ENGINE_LINK_PATHS.renewLeases, this.leaseBody(sessionIds, ttlMs));
  }

  async releaseLeases(sessionIds: string[]): Promise<void> {
    await this.call('POST', ENGINE_LINK_PATHS.releaseLeases, {
      engine_id: this.config.engineId,
      session_ids: sessionIds,
    });
  }

  claims(capacity: number, running: string[]): Promise<ClaimsAnswer> {
    return this.call('POST', ENGINE_LINK_PATHS.claims, {
      engine_id: this.config.engineId,
      capacity,
      running_session_ids: running,
    });
  }

  /** Null when the server has no auth state for the session (never linked, or logged out). */
  async readAuthState(sessionId: string): Promise<AuthStateView | null> {
    try {
      return await this.call<AuthStateView>('GET', engineAuthStatePath(sessionId));
    } catch (error) {
      if (error instanceof ServerLinkError && error.status === 404) return null;
      throw error;
    }
  }

  async saveAuthState(sessionId: string, archive: Buffer): Promise<void> {
    await this.call('PUT', engineAuthStatePath(sessionId), {
      engine_id: this.config.engineId,
      archive: archive.toString('base64'),
    });
  }

  async clearAuthState(sessionId: string): Promise<void> {
    const query = `?engine_id=${encodeURIComponent(this.config.engineId)}`;
    await this.call('DELETE', `${engineAuthStatePath(sessionId)}${query}`);
  }

  async announce(announcement: EngineAnnouncement): Promise<void> {
    await this.call('POST', ENGINE_LINK_PATHS.announce, announcement);
  }

  async withdraw(): Promise<void> {
    await this.call('POST', ENGINE_LINK_PATHS.withdraw, { engine_id: this.config.engineId });
  }

  private leaseBody(sessionIds: string[], ttlMs: number) {
    return { engine_id: this.config.engineId, session_ids: sessionIds, ttl_ms: ttlMs };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    let response: Response;
    try {
      response = await fetch(`${this.config.serverUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...signRequest(this.config.engineSecret, raw, randomUUID()),
        },
        ...(body === undefined ? {} : { body: raw }),
        signal: AbortSignal.timeout(this.config.callbacks.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ServerLinkError(null, `server unreachable: ${cause ?? (error as Error).name}`);
    }
    const text = await response.text();
    if (!response.ok)
      throw new ServerLinkError(
        response.status,
        `server answered ${response.status}: ${text.slice(0, 300)}`,
      );
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
