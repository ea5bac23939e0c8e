import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  SESSION_STATUSES,
  type PlatformEngineHealth,
  type PlatformHealthView,
  type PlatformQueueDepth,
  type SessionStatus,
} from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { JOB_QUEUE, type JobQueue } from '../drivers/queue/job-queue.port';
import { EngineCommandsClient } from '../engine-link/engine-commands.client';
import { EngineRegistry } from '../engine-link/engine-registry.service';

/** The platform at a glance: numbers by status, today's messages, queue depth, the engines. */
@Injectable()
export class PlatformHealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly engine: EngineCommandsClient,
    private readonly registry: EngineRegistry,
  ) {}

  async view(now = new Date()): Promise<PlatformHealthView> {
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const [numbers, messages, queues, engine, engines] = await Promise.all([
      this.numbersByStatus(),
      this.messagesSince(since),
      this.queueDepths(),
      this.engineHealth(),
      this.registry.list(now),
    ]);
    return {
      numbers_by_status: numbers,
      numbers_total: Object.values(numbers).reduce((sum, n) => sum + n, 0),
      messages_today: messages,
      since: since.toISOString(),
      queues,
      engine,
      engines,
      generated_at: new Date().toISOString(),
    };
  }

  private async numbersByStatus(): Promise<Record<SessionStatus, number>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('s.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .from('whatsapp_sessions', 's')
      .where('s.is_active = :active', { active: true })
      .andWhere('s.deleted_at IS NULL')
      .groupBy('s.status')
      .getRawMany<{ status: string; n: number | string }>();
    const counts = Object.fromEntries(SESSION_STATUSES.map((s) => [s, 0])) as Record<
      SessionStatus,
      number
    >;
    for (const row of rows) {
      if ((SESSION_STATUSES as readonly string[]).includes(row.status))
        counts[row.status as SessionStatus] = Number(row.n);
    }
    return counts;
  }

  private async messagesSince(since: Date): Promise<PlatformHealthView['messages_today']> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select("SUM(CASE WHEN c.type = 'inbound' THEN 1 ELSE 0 END)", 'inbound')
      .addSelect("SUM(CASE WHEN c.type = 'outbound' THEN 1 ELSE 0 END)", 'outbound')
      .addSelect('COUNT(*)', 'total')
      .from('chats', 'c')
      .where('c.created_at >= :since', { since })
      .andWhere('c.deleted_at IS NULL')
      .getRawOne<{ inbound: unknown; outbound: unknown; total: unknown }>();
    return {
      inbound: Number(row?.inbound ?? 0),
      outbound: Number(row?.outbound ?? 0),
      total: Number(row?.total ?? 0),
    };
  }

  private async queueDepths(): Promise<PlatformQueueDepth[]> {
    const names = [...this.queue.registeredQueues()].sort();
    return Promise.all(names.map(async (name) => ({ name, ...(await this.queue.counts(name)) })));
  }

  private async engineHealth(): Promise<PlatformEngineHealth | null> {
    if (!this.engine.baseUrl) return null;
    try {
      const health = await this.engine.health();
      return {
        status: 'up',
        engine_id: health.engine_id,
        sessions: health.sessions,
        memory: health.memory,
      };
    } catch (error) {
      return { status: 'down', error: (error as Error).message };
    }
  }
}
