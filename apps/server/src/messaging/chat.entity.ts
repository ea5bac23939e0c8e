import type { MessageStatus, ProviderType } from '@switchboard/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Blazz's `chats`: one row per message, inbound or outbound, of one contact on one number. */
@Entity('chats')
export class Chat {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  uuid!: string;

  @Column({ name: 'workspace_id', type: 'bigint' })
  workspaceId!: number;

  /** The number it went through; NULL on rows written before Switchboard. */
  @Column({ name: 'whatsapp_session_id', type: 'bigint', nullable: true })
  whatsappSessionId!: number | null;

  /** The provider's message id, unique per number. */
  @Column({ name: 'wam_id', type: 'varchar', nullable: true })
  wamId!: string | null;

  /** The key the client gave an outbound message; unique per workspace. */
  @Column({ name: 'idempotency_key', type: 'varchar', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'contact_id', type: 'bigint' })
  contactId!: number;

  /** The agent who sent it from Switchboard. */
  @Column({ name: 'user_id', type: 'bigint', nullable: true })
  userId!: number | null;

  @Column({ type: 'varchar', nullable: true })
  type!: 'inbound' | 'outbound' | null;

  /** JSON text, as Blazz stores it: body, type, has_media, from, timestamp, sender name, … */
  @Column({ type: 'text' })
  metadata!: string;

  /** Blazz's free-text status (`received`, `sent`, …), kept in step for old readers. */
  @Column({ type: 'varchar', nullable: true })
  status!: string | null;

  @Column({ name: 'message_status', type: 'varchar', nullable: true })
  messageStatus!: MessageStatus | null;

  @Column({ name: 'is_read', type: 'boolean', default: false })
  isRead!: boolean;

  @Column({ name: 'provider_type', type: 'varchar', nullable: true })
  providerType!: ProviderType | null;

  @Column({ name: 'chat_type', type: 'varchar', nullable: true })
  chatType!: 'private' | 'group' | null;

  @Column({ name: 'sent_at', type: 'datetime', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'datetime', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'read_at', type: 'datetime', nullable: true })
  readAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', nullable: true })
  updatedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'datetime', nullable: true })
  deletedAt!: Date | null;
}
