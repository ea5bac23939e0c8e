import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One engine as it last announced itself (see {@link EngineRegistry}). */
@Entity('engines')
export class EngineNode {
  @PrimaryColumn({ name: 'engine_id', type: 'varchar' })
  engineId!: string;

  /** Where the server reaches the engine's command API. */
  @Column({ type: 'varchar' })
  url!: string;

  @Column({ type: 'int', default: 0 })
  sessions!: number;

  @Column({ name: 'max_sessions', type: 'int', default: 0 })
  maxSessions!: number;

  @Column({ name: 'memory_mb', type: 'int', nullable: true })
  memoryMb!: number | null;

  @Column({ name: 'last_seen_at', type: 'datetime' })
  lastSeenAt!: Date;

  /** The engine counts as gone from this moment unless it announces itself again. */
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt!: Date;
}
