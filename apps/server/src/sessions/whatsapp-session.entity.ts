import type { DisconnectReason, ProviderType, SessionStatus } from '@switchboard/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../database/json-column';
import { SoftDeletableEntity } from '../database/soft-deletable.entity';

/**
 * One linked number: a WhatsApp Web session run by an engine, or a Meta Cloud API number.
 * Its `unread_messages` column is left unmapped on purpose: only single SQL increments (the
 * inbound pipeline) and decrements (mark-read) touch it, so a `save()` of a row loaded earlier can
 * never write back a stale count.
 */
@Entity('whatsapp_sessions')
export class WhatsappSession extends SoftDeletableEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  uuid!: string;

  @Column({ name: 'workspace_id', type: 'bigint' })
  workspaceId!: number;

  /** The id engines know the session by (also its LocalAuth client id). */
  @Column({ name: 'session_id', type: 'varchar' })
  sessionId!: string;

  /** E.164 with `+`, once the number is known. */
  @Column({ name: 'phone_number', type: 'varchar', nullable: true })
  phoneNumber!: string | null;

  @Column({ name: 'provider_type', type: 'varchar', default: 'webjs' })
  providerType!: ProviderType;

  @Column({ type: 'varchar', default: 'initializing' })
  status!: SessionStatus;

  /** The latest QR as a PNG data URL while the number waits to be linked. */
  @Column({ name: 'qr_code', type: 'text', nullable: true })
  qrCode!: string | null;

  /** Sealed with SecretBox: Meta credentials, or a WhatsApp Web auth archive. */
  @Column({ name: 'session_data', type: 'text', nullable: true, select: false })
  sessionData!: string | null;

  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary!: boolean;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ name: 'last_activity_at', type: 'datetime', nullable: true })
  lastActivityAt!: Date | null;

  @Column({ name: 'last_connected_at', type: 'datetime', nullable: true })
  lastConnectedAt!: Date | null;

  @Column({ name: 'disconnect_reason', type: 'varchar', nullable: true })
  disconnectReason!: DisconnectReason | null;

  @Column({ name: 'disconnected_at', type: 'datetime', nullable: true })
  disconnectedAt!: Date | null;

  @Column({ name: 'health_score', type: 'int', default: 100 })
  healthScore!: number;

  /** The engine that owns the session now (its lease holder). */
  @Column({ name: 'engine_id', type: 'varchar', nullable: true })
  engineId!: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonColumn })
  metadata!: Record<string, unknown> | null;

  @Column({ name: 'created_by', type: 'bigint', nullable: true })
  createdBy!: number | null;
}
