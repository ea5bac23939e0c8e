import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ENGINE_LEASE_TTL_MAX_MS,
  ENGINE_LEASE_TTL_MIN_MS,
  type ClaimsAnswer,
  type LeaseAnswer,
} from '@switchboard/contracts';
import { In, IsNull, Not, type DataSource } from 'typeorm';
import {
  COORDINATION_STORE,
  type CoordinationStore,
} from '../drivers/coordination/coordination-store.port';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';

/** Statuses of a linked number that should be running somewhere. */
const SHOULD_RUN = ['authenticated', 'connected', 'reconnecting'] as const;

export function sessionLeaseKey(sessionId: string): string {
  return `wa-session:${sessionId}`;
}

/**
 * The one authority over which engine runs which WhatsApp Web session: leases live in the
 * coordination store (in-process or Redis), so engines coordinate through the server and a
 * session never runs in two engines at once.
 */
@Injectable()
export class EngineLeasesService {
  constructor(
    @Inject(COORDINATION_STORE) private readonly store: CoordinationStore,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async acquire(engineId: string, sessionIds: string[], ttlMs: number): Promise<LeaseAnswer> {
    const answer = await this.each(sessionIds, (key) =>
      this.store.acquireLease(key, engineId, clampTtl(ttlMs)),
    );
    if (answer.held.length)
      await this.sessions().update({ sessionId: In(answer.held) }, { engineId });
    return answer;
  }

  renew(engineId: string, sessionIds: string[], ttlMs: number): Promise<LeaseAnswer> {
    return this.each(sessionIds, (key) => this.store.renewLease(key, engineId, clampTtl(ttlMs)));
  }

  async release(engineId: string, sessionIds: string[]): Promise<void> {
    for (const id of new Set(sessionIds))
      await this.store.releaseLease(sessionLeaseKey(id), engineId);
  }

  async holder(sessionId: string): Promise<string | null> {
    return this.store.leaseHolder(sessionLeaseKey(sessionId));
  }

  /**
   * Linked WhatsApp Web sessions that should run but have no live owner: the engine's own after
   * a restart first (even while its old lease lasts), then any other engine's whose lease ran
   * out (it died). Sessions the engine says it runs are left out.
   */
  async claimable(
    engineId: string,
    capacity: number,
    running: readonly string[] = [],
  ): Promise<ClaimsAnswer> {
    if (capacity <= 0) return { session_ids: [] };
    const candidates = await this.sessions().find({
      select: { id: true, sessionId: true, engineId: true },
      where: {
        providerType: 'webjs',
        isActive: true,
        status: In([...SHOULD_RUN]),
        sessionData: Not(IsNull()),
      },
      order: { id: 'ASC' },
    });
    const own = (session: WhatsappSession) => (session.engineId === engineId ? 0 : 1);
    candidates.sort((a, b) => own(a) - own(b));
    const skip = new Set(running);
    const free: string[] = [];
    for (const session of candidates) {
      if (free.length >= capacity) break;
      if (skip.has(session.sessionId)) continue;
      const holder = await this.holder(session.sessionId);
      if (holder === null || holder === engineId) free.push(session.sessionId);
    }
    return { session_ids: free };
  }

  private async each(
    sessionIds: string[],
    attempt: (key: string) => Promise<boolean>,
  ): Promise<LeaseAnswer> {
    const answer: LeaseAnswer = { held: [], refused: [] };
    for (const id of new Set(sessionIds))
      ((await attempt(sessionLeaseKey(id))) ? answer.held : answer.refused).push(id);
    return answer;
  }

  private sessions() {
    return this.dataSource.getRepository(WhatsappSession);
  }
}

function clampTtl(ttlMs: number): number {
  return Math.min(ENGINE_LEASE_TTL_MAX_MS, Math.max(ENGINE_LEASE_TTL_MIN_MS, Math.round(ttlMs)));
}
