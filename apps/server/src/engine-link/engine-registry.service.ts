import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ENGINE_LEASE_TTL_MAX_MS,
  ENGINE_LEASE_TTL_MIN_MS,
  type EngineAnnouncement,
  type EngineView,
} from '@switchboard/contracts';
import { LessThan, type DataSource } from 'typeorm';
import { EngineLeasesService } from './engine-leases.service';
import { EngineNode } from './engine-node.entity';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { chooseEngine } from './engine-routing';

/** An engine gone this long leaves the list the platform admin sees. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/** Where a command goes: a live engine of the registry. */
export interface EngineTarget {
  engineId: string;
  url: string;
}

/**
 * The engines that run WhatsApp Web sessions, as they announce themselves (every third of their
 * lease TTL): where the server reaches each and how loaded it is. Kept in the database, so every
 * server node routes the same way. A session's commands go to the engine holding its lease, else
 * to the live engine that ran it last (while it has room); a new session (or one whose engine is
 * gone) to the live engine with the fewest sessions.
 */
@Injectable()
export class EngineRegistry {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly leases: EngineLeasesService,
  ) {}

  async announce(announcement: EngineAnnouncement, now = new Date()): Promise<void> {
    const ttlMs = Math.min(
      ENGINE_LEASE_TTL_MAX_MS,
      Math.max(ENGINE_LEASE_TTL_MIN_MS, announcement.ttl_ms),
    );
    await this.engines().upsert(
      {
        engineId: announcement.engine_id,
        url: announcement.url.replace(/\/$/, ''),
        sessions: announcement.sessions,
        maxSessions: announcement.max_sessions,
        memoryMb: announcement.memory_mb ?? null,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      },
      ['engineId'],
    );
    await this.engines().delete({ expiresAt: LessThan(new Date(now.getTime() - FORGET_AFTER_MS)) });
  }

  /** The engine shut down: nothing more is routed to it. */
  async withdraw(engineId: string): Promise<void> {
    await this.engines().delete({ engineId });
  }

  /** Every engine known, live ones first, for the platform admin. */
  async list(now = new Date()): Promise<EngineView[]> {
    const rows = await this.engines().find({ order: { engineId: 'ASC' } });
    return rows
      .map((row) => ({
        engine_id: row.engineId,
        url: row.url,
        sessions: row.sessions,
        max_sessions: row.maxSessions,
        memory_mb: row.memoryMb,
        last_seen_at: row.lastSeenAt.toISOString(),
        live: isLive(row, now),
      }))
      .sort((a, b) => Number(b.live) - Number(a.live));
  }

  /** Engines that announced themselves within their TTL. */
  async live(now = new Date()): Promise<EngineNode[]> {
    // A handful of rows: filtered here, so the comparison is the same on every database.
    return (await this.engines().find()).filter((row) => isLive(row, now));
  }

  /**
   * The live engine for a command on the session: its lease holder, else the one that ran it last
   * (`whatsapp_sessions.engine_id`) while it has room, else the least loaded one.
   * Null when no engine has announced itself (then the configured ENGINE_URL is used).
   */
  async engineFor(sessionId: string): Promise<EngineTarget | null> {
    const live = await this.live();
    if (live.length === 0) return null;
    const holder = await this.leases.holder(sessionId);
    const lastHolder = holder
      ? null
      : ((
          await this.dataSource
            .getRepository(WhatsappSession)
            .findOne({ select: { id: true, engineId: true }, where: { sessionId } })
        )?.engineId ?? null);
    const chosen = chooseEngine(live, holder, lastHolder);
    return chosen && { engineId: chosen.engineId, url: chosen.url };
  }

  /**
   * Counts a session the server just sent the engine to start, so the next start goes elsewhere
   * before the engine's next announcement brings the real count.
   */
  async countStart(engineId: string): Promise<void> {
    await this.engines().increment({ engineId }, 'sessions', 1);
  }

  private engines() {
    return this.dataSource.getRepository(EngineNode);
  }
}

function isLive(row: EngineNode, now: Date): boolean {
  return row.expiresAt.getTime() > now.getTime();
}
