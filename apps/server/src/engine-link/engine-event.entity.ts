import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One signed engine event, stored once before it is acted on (see the engine inbox). */
@Entity('engine_events')
export class EngineEventRecord {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'event_id', type: 'varchar' })
  eventId!: string;

  @Column({ type: 'varchar' })
  type!: string;

  @Column({ name: 'session_id', type: 'varchar' })
  sessionId!: string;

  @Column({ name: 'engine_id', type: 'varchar' })
  engineId!: string;

  @Column({ type: 'int' })
  sequence!: number;

  /** The whole event as JSON text. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'occurred_at', type: 'datetime' })
  occurredAt!: Date;

  @Column({ name: 'received_at', type: 'datetime' })
  receivedAt!: Date;

  @Column({ name: 'processed_at', type: 'datetime', nullable: true })
  processedAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
