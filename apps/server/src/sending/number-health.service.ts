import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HEALTHY_SCORE, type NumberHealthView } from '@switchboard/contracts';
import { DataSource, IsNull } from 'typeorm';
import { dbDateOrNull } from '../database/db-date';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often every node recomputes the scores (and logs the numbers that are unhealthy). */
export const HEALTH_REFRESH_MS = 60_000;
/** What one failure a number caused takes off its score until the next refresh. */
const FAILURE_PENALTY = 20;

export interface HealthFacts {
  connected: boolean;
  sends24h: number;
  failures24h: number;
  disconnects24h: number;
}

/**
 * 0–100: −50 when not connected, −10 per disconnect in the last 24 hours (at most −30), and the
 * share of its sends that failed in the last 24 hours (at most −30; a number with few sends is
 * judged per failure, −10 each, so one failure of two sends is not −50).
 */
export function healthScore(facts: HealthFacts): number {
  let score = 100;
  if (!facts.connected) score -= 50;
  score -= Math.min(facts.disconnects24h * 10, 30);
  const failurePenalty =
    facts.sends24h >= 10
      ? Math.round((facts.failures24h / facts.sends24h) * 100)
      : facts.failures24h * 10;
  score -= Math.min(failurePenalty, 30);
  return Math.max(0, score);
}

/**
 * Keeps `whatsapp_sessions.health_score` current. The selector passes over numbers below
 * HEALTHY_SCORE when it fails over; `numbers:health` prints the same report.
 */
@Injectable()
export class NumberHealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NumberHealth');
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.scheduledRefresh(), HEALTH_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Recomputes and stores every active number's score (one workspace's, when given). */
  async refresh(workspaceId?: number, now = new Date()): Promise<NumberHealthView[]> {
    const numbers = await this.dataSource.getRepository(WhatsappSession).find({
      where: { isActive: true, deletedAt: IsNull(), ...(workspaceId ? { workspaceId } : {}) },
      order: { workspaceId: 'ASC', id: 'ASC' },
    });
    if (numbers.length === 0) return [];
    const since = new Date(now.getTime() - DAY_MS);
    const sends = await this.sendCounts(numbers, since);
    const disconnects = await this.disconnectCounts(numbers, since);
    const views: NumberHealthView[] = [];
    for (const number of numbers) {
      const sent = sends.get(Number(number.id)) ?? { sends: 0, failures: 0 };
      const facts: HealthFacts = {
        connected: number.status === 'connected',
        sends24h: sent.sends,
        failures24h: sent.failures,
        disconnects24h: disconnects.get(number.sessionId) ?? 0,
      };
      const score = healthScore(facts);
      if (score !== Number(number.healthScore)) {
        await this.dataSource
          .getRepository(WhatsappSession)
          .update({ id: number.id }, { healthScore: score });
      }
      views.push({
        session_uuid: number.uuid,
        workspace_id: Number(number.workspaceId),
        phone_number: number.phoneNumber,
        provider_type: number.providerType,
        status: number.status,
        health_score: score,
        sends_24h: facts.sends24h,
        failures_24h: facts.failures24h,
        disconnects_24h: facts.disconnects24h,
        last_activity_at: dbDateOrNull(number.lastActivityAt)?.toISOString() ?? null,
      });
    }
    return views;
  }

  /** A number just failed a send that another number may carry: it drops until the next refresh. */
  async penalize(number: WhatsappSession): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(WhatsappSession)
      .set({
        healthScore: () =>
          `CASE WHEN health_score > ${FAILURE_PENALTY} THEN health_score - ${FAILURE_PENALTY} ELSE 0 END`,
      })
      .where('id = :id', { id: number.id })
      .execute();
  }

  private async scheduledRefresh(): Promise<void> {
    try {
      const views = await this.refresh();
      const unhealthy = views.filter((view) => view.health_score < HEALTHY_SCORE);
      for (const view of unhealthy) {
        this.logger.warn(
          `number ${view.phone_number ?? view.session_uuid} (${view.provider_type}, workspace ${view.workspace_id}) is ${view.status} with health ${view.health_score}`,
        );
      }
    } catch (error) {
      this.logger.warn(`health refresh failed: ${(error as Error).message}`);
    }
  }

  private async sendCounts(
    numbers: WhatsappSession[],
    since: Date,
  ): Promise<Map<number, { sends: number; failures: number }>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('chat.whatsapp_session_id', 'id')
      .addSelect('COUNT(*)', 'sends')
      .addSelect("SUM(CASE WHEN chat.message_status = 'failed' THEN 1 ELSE 0 END)", 'failures')
      .from('chats', 'chat')
      .where('chat.workspace_id IN (:...workspaces)', {
        workspaces: [...new Set(numbers.map((n) => Number(n.workspaceId)))],
      })
      .andWhere('chat.whatsapp_session_id IN (:...ids)', { ids: numbers.map((n) => Number(n.id)) })
      .andWhere("chat.type = 'outbound'")
      .andWhere('chat.created_at >= :since', { since })
      .groupBy('chat.whatsapp_session_id')
      .getRawMany<{
        id: number | string;
        sends: number | string;
        failures: number | string | null;
      }>();
    return new Map(
      rows.map((row) => [
        Number(row.id),
        { sends: Number(row.sends), failures: Number(row.failures ?? 0) },
      ]),
    );
  }

  /** Times the engine reported the number dropping (disconnected or reconnecting). */
  private async disconnectCounts(
    numbers: WhatsappSession[],
    since: Date,
  ): Promise<Map<string, number>> {
    const webjs = numbers.filter((n) => n.providerType === 'webjs').map((n) => n.sessionId);
    if (webjs.length === 0) return new Map();
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('event.session_id', 'session_id')
      .addSelect('COUNT(*)', 'drops')
      .from('engine_events', 'event')
      .where('event.session_id IN (:...ids)', { ids: webjs })
      .andWhere("event.type = 'session.status'")
      .andWhere('event.occurred_at >= :since', { since })
      .andWhere(
        `(event.payload LIKE '%"status":"disconnected"%' OR event.payload LIKE '%"status":"reconnecting"%')`,
      )
      .groupBy('event.session_id')
      .getRawMany<{ session_id: string; drops: number | string }>();
    return new Map(rows.map((row) => [row.session_id, Number(row.drops)]));
  }
}
