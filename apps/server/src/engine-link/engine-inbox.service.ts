import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EngineEvent, EngineEventOf, EngineEventType } from '@switchboard/contracts';
import { IsNull, type DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { WorkRecovery } from '../drivers/queue/work-recovery';
import { EngineEventRecord } from './engine-event.entity';

export type EngineEventHandler<T extends EngineEventType> = (
  event: EngineEventOf<T>,
) => Promise<void>;

export interface InboxReceipt {
  /** False when this event id was stored before (a retried delivery): nothing was done again. */
  stored: boolean;
  /** True once a handler acted on it; false while no module handles its type yet, or on failure. */
  processed: boolean;
}

/** Rows re-processed per batch when the server boots. */
const RECOVERY_BATCH = 500;

/**
 * The server's inbox of engine events. Each event is written once (unique `event_id`) before any
 * handler runs, so a retried delivery is a no-op and a crash half-way loses nothing: rows without
 * `processed_at` are handled again at boot, in arrival order. Feature modules register a handler
 * per event type in `onModuleInit`.
 */
@Injectable()
export class EngineInboxService implements OnModuleInit {
  private readonly logger = new Logger('EngineInbox');
  private readonly handlers = new Map<EngineEventType, EngineEventHandler<EngineEventType>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recovery: WorkRecovery,
  ) {}

  onModuleInit(): void {
    this.recovery.register({ name: 'engine-inbox', recover: () => this.processPending() });
  }

  handle<T extends EngineEventType>(type: T, handler: EngineEventHandler<T>): void {
    if (this.handlers.has(type)) throw new Error(`engine event ${type} already has a handler`);
    this.handlers.set(type, handler as unknown as EngineEventHandler<EngineEventType>);
  }

  async receive(event: EngineEvent): Promise<InboxReceipt> {
    const record = this.records().create({
      eventId: event.event_id,
      type: event.type,
      sessionId: event.session_id,
      engineId: event.engine_id,
      sequence: event.sequence,
      payload: JSON.stringify(event),
      occurredAt: new Date(event.occurred_at),
      receivedAt: new Date(),
      processedAt: null,
      attempts: 0,
      lastError: null,
    });
    try {
      await this.records().insert(record);
    } catch (error) {
      if (isUniqueViolation(error)) return { stored: false, processed: false };
      throw error;
    }
    return { stored: true, processed: await this.process(record, event) };
  }

  /** Handles every stored event that has a handler and was not processed yet. */
  async processPending(): Promise<number> {
    let handled = 0;
    let afterId = 0;
    for (;;) {
      const batch = await this.records()
        .createQueryBuilder('event')
        .where({ processedAt: IsNull() })
        .andWhere('event.id > :afterId', { afterId })
        .orderBy('event.id', 'ASC')
        .take(RECOVERY_BATCH)
        .getMany();
      for (const record of batch) {
        afterId = record.id;
        if (await this.process(record, JSON.parse(record.payload) as EngineEvent)) handled += 1;
      }
      if (batch.length < RECOVERY_BATCH) return handled;
    }
  }

  private async process(record: EngineEventRecord, event: EngineEvent): Promise<boolean> {
    const handler = this.handlers.get(event.type);
    if (!handler) return false;
    try {
      await handler(event);
      await this.records().update(
        { id: record.id },
        { processedAt: new Date(), attempts: record.attempts + 1, lastError: null },
      );
      return true;
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      this.logger.warn(`engine event ${event.type} ${event.event_id} failed: ${message}`);
      await this.records().update(
        { id: record.id },
        { attempts: record.attempts + 1, lastError: message.slice(0, 2000) },
      );
      return false;
    }
  }

  private records() {
    return this.dataSource.getRepository(EngineEventRecord);
  }
}
