import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  HEALTHY_SCORE,
  WhatsAppErrorCode,
  type OutboundContent,
  type ProviderCapability,
} from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { dbDate } from '../database/db-date';
import { Chat } from '../messaging/chat.entity';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { WHATSAPP_ADAPTERS, type WhatsAppAdapters } from '../whatsapp/whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp/whatsapp.exception';

/** Meta only lets a business write freely within 24 hours of the customer's last message. */
export const CUSTOMER_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface SelectionRequest {
  workspaceId: number;
  contactId: number;
  /** The number the message belongs to: the conversation's, or the one the agent picked. */
  intendedSessionId: number;
  content: OutboundContent;
  /** The recipient is a group (only WhatsApp Web can write to one). */
  toGroup: boolean;
  allowFailover: boolean;
}

/** A number to try, or one passed over with the reason it cannot carry this message. */
export type Candidate =
  | { session: WhatsappSession; usable: true }
  | { session: WhatsappSession; usable: false; reason: WhatsAppException };

/**
 * Picks the numbers a message may go out through, best first: the conversation's own number,
 * then (when failover is allowed) the workspace's primary, then any other healthy number,
 * healthiest first. A number is passed over when its provider cannot carry the content, when
 * it is not connected, or — for Meta — when the customer has not written to that number in
 * the last 24 hours and the message is not a template.
 */
@Injectable()
export class SenderSelector {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WHATSAPP_ADAPTERS) private readonly adapters: WhatsAppAdapters,
  ) {}

  async candidates(request: SelectionRequest, now = new Date()): Promise<Candidate[]> {
    // With their sealed credentials: the Meta adapter opens them to send.
    const numbers = await this.dataSource
      .getRepository(WhatsappSession)
      .createQueryBuilder('number')
      .addSelect('number.sessionData')
      .where('number.workspaceId = :workspaceId', { workspaceId: request.workspaceId })
      .andWhere('number.isActive = :active', { active: true })
      .getMany();
    const intended = numbers.find((n) => Number(n.id) === Number(request.intendedSessionId));
    const others = request.allowFailover
      ? numbers
          .filter((n) => n !== intended)
          .sort(
            (a, b) =>
              Number(b.isPrimary) - Number(a.isPrimary) ||
              Number(b.healthScore) - Number(a.healthScore) ||
              time(b.lastConnectedAt) - time(a.lastConnectedAt) ||
              Number(a.id) - Number(b.id),
          )
      : [];
    const result: Candidate[] = [];
    for (const session of intended ? [intended, ...others] : others) {
      const reason = await this.unusable(session, request, session === intended, now);
      result.push(reason ? { session, usable: false, reason } : { session, usable: true });
    }
    return result;
  }

  private async unusable(
    session: WhatsappSession,
    request: SelectionRequest,
    isIntended: boolean,
    now: Date,
  ): Promise<WhatsAppException | null> {
    const adapter = this.adapters[session.providerType];
    const needed: ProviderCapability[] = [request.content.type];
    if (request.toGroup) needed.push('group');
    const missing = needed.find((capability) => !adapter.capabilities.has(capability));
    if (missing) return WhatsAppException.notSupported(session.providerType, missing);
    if (session.status !== 'connected') {
      return new WhatsAppException(
        WhatsAppErrorCode.NUMBER_NOT_CONNECTED,
        `${label(session)} is ${session.status.replace('_', ' ')}`,
        { session_uuid: session.uuid, status: session.status },
      );
    }
    if (!isIntended && Number(session.healthScore) < HEALTHY_SCORE) {
      return new WhatsAppException(
        WhatsAppErrorCode.PROVIDER_UNAVAILABLE,
        `${label(session)} is unhealthy (score ${session.healthScore})`,
        { session_uuid: session.uuid, health_score: Number(session.healthScore) },
      );
    }
    if (session.providerType === 'meta' && request.content.type !== 'template') {
      const last = await this.lastInboundAt(request.contactId, Number(session.id));
      if (!last || now.getTime() - last.getTime() > CUSTOMER_WINDOW_MS) {
        return new WhatsAppException(
          WhatsAppErrorCode.OUTSIDE_CUSTOMER_WINDOW,
          `The customer has not written to ${label(session)} in the last 24 hours; only a template can go out through it`,
          { session_uuid: session.uuid, last_inbound_at: last?.toISOString() ?? null },
        );
      }
    }
    return null;
  }

  /** When the customer last wrote to this number. */
  async lastInboundAt(contactId: number, sessionId: number): Promise<Date | null> {
    const row = await this.dataSource
      .getRepository(Chat)
      .createQueryBuilder('chat')
      .select('chat.createdAt', 'at')
      .where('chat.contact_id = :contactId', { contactId })
      .andWhere('chat.whatsapp_session_id = :sessionId', { sessionId })
      .andWhere("chat.type = 'inbound'")
      .andWhere('chat.deleted_at IS NULL')
      .orderBy('chat.created_at', 'DESC')
      .limit(1)
      .getRawOne<{ at: Date | string }>();
    return row ? dbDate(row.at) : null;
  }
}

function label(session: WhatsappSession): string {
  return session.phoneNumber ? `Number ${session.phoneNumber}` : 'The number';
}

function time(value: Date | null): number {
  return value ? new Date(value).getTime() : 0;
}
