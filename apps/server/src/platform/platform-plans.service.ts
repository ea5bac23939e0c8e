import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DEFAULT_MAX_WHATSAPP_NUMBERS,
  platformChannel,
  RealtimeEvent,
  type SubscriptionPlanView,
  type UpdateSubscriptionPlanRequest,
} from '@switchboard/contracts';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { AppException } from '../common/app.exception';
import { dbDateOrNull } from '../database/db-date';
import { BroadcasterService } from '../realtime/broadcaster.service';

interface PlanRow {
  id: number | string;
  uuid: string;
  name: string;
  price: number | string;
  period: string;
  status: string;
  max: number | string | null;
  updated_at: Date | string | null;
  workspaces: number | string | null;
}

/**
 * Blazz's subscription plans with the WhatsApp-number limit `limitsWith` enforces. Edits are
 * broadcast on the platform channel so every open plans page follows.
 */
@Injectable()
export class PlatformPlansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broadcaster: BroadcasterService,
  ) {}

  async list(): Promise<SubscriptionPlanView[]> {
    const rows = await this.query().orderBy('p.id', 'ASC').getRawMany<PlanRow>();
    return rows.map(toView);
  }

  async updateLimit(
    id: number,
    request: UpdateSubscriptionPlanRequest,
  ): Promise<SubscriptionPlanView> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update('subscription_plans')
      .set({
        max_whatsapp_numbers: request.max_whatsapp_numbers,
        updated_at: () => 'CURRENT_TIMESTAMP',
      })
      .where('id = :id AND deleted_at IS NULL', { id })
      .execute();
    if (!result.affected) throw AppException.notFound('Subscription plan');
    const row = await this.query().where('p.id = :id', { id }).getRawOne<PlanRow>();
    if (!row) throw AppException.notFound('Subscription plan');
    const plan = toView(row);
    await this.broadcaster.broadcast(platformChannel(), RealtimeEvent.PLAN_UPDATED, {
      plan,
      at: new Date().toISOString(),
    });
    return plan;
  }

  /** Plans with how many workspaces are on each now (their latest subscription). */
  private query(): SelectQueryBuilder<PlanRow> {
    const latest = this.dataSource
      .createQueryBuilder()
      .select('MAX(s.id)')
      .from('subscriptions', 's')
      .groupBy('s.workspace_id');
    return this.dataSource
      .createQueryBuilder()
      .select([
        'p.id AS id',
        'p.uuid AS uuid',
        'p.name AS name',
        'p.price AS price',
        'p.period AS period',
        'p.status AS status',
        'p.max_whatsapp_numbers AS max',
        'p.updated_at AS updated_at',
      ])
      .addSelect(
        (sub) =>
          sub
            .select('COUNT(*)')
            .from('subscriptions', 'cur')
            .where('cur.plan_id = p.id')
            .andWhere(`cur.id IN (${latest.getQuery()})`),
        'workspaces',
      )
      .from('subscription_plans', 'p')
      .where('p.deleted_at IS NULL') as unknown as SelectQueryBuilder<PlanRow>;
  }
}

function toView(row: PlanRow): SubscriptionPlanView {
  const max = row.max === null ? NaN : Number(row.max);
  return {
    id: Number(row.id),
    uuid: String(row.uuid).trim(),
    name: row.name,
    price: Number(row.price).toFixed(2),
    period: row.period,
    status: row.status,
    max_whatsapp_numbers: Number.isInteger(max) && max >= 0 ? max : DEFAULT_MAX_WHATSAPP_NUMBERS,
    workspaces_count: Number(row.workspaces ?? 0),
    updated_at: dbDateOrNull(row.updated_at)?.toISOString() ?? null,
  };
}
