import { HttpStatus } from '@nestjs/common';
import {
  DEFAULT_MAX_WHATSAPP_NUMBERS,
  ErrorCode,
  SessionErrorReason,
  type WhatsappSessionLimitsView,
} from '@switchboard/contracts';
import type { EntityManager } from 'typeorm';
import { AppException } from '../common/app.exception';
import { WhatsappSession } from './whatsapp-session.entity';

/**
 * The plan's `max_whatsapp_numbers` (through the workspace's latest subscription; the default
 * without one) against the workspace's active numbers, those waiting for a scan included.
 */
export async function limitsWith(
  manager: EntityManager,
  workspaceId: number,
): Promise<WhatsappSessionLimitsView> {
  const plan = await manager
    .createQueryBuilder()
    .select('p.max_whatsapp_numbers', 'max')
    .from('subscriptions', 's')
    .innerJoin('subscription_plans', 'p', 'p.id = s.plan_id')
    .where('s.workspace_id = :workspaceId', { workspaceId })
    .orderBy('s.id', 'DESC')
    .limit(1)
    .getRawOne<{ max: number | string | null }>();
  const max = plan?.max === null || plan?.max === undefined ? NaN : Number(plan.max);
  const maxAllowed = Number.isInteger(max) && max >= 0 ? max : DEFAULT_MAX_WHATSAPP_NUMBERS;
  const current = await manager.count(WhatsappSession, { where: { workspaceId, isActive: true } });
  return { can_add_number: current < maxAllowed, current_count: current, max_allowed: maxAllowed };
}

export function planLimitReached(limits: WhatsappSessionLimitsView): AppException {
  const noun = limits.max_allowed === 1 ? 'number' : 'numbers';
  return new AppException(
    HttpStatus.FORBIDDEN,
    ErrorCode.FORBIDDEN,
    `Your plan allows ${limits.max_allowed} WhatsApp ${noun} and this workspace has ` +
      `${limits.current_count}; delete a number or upgrade the plan to add another`,
    { reason: SessionErrorReason.PLAN_LIMIT_REACHED, ...limits },
  );
}
