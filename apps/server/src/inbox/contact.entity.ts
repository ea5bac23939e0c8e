import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../database/soft-deletable.entity';

/**
 * Blazz's `contacts`; `phone` is E.164 with `+`, unique per workspace. A contact without a phone
 * number (a group, or a person known only by a privacy `@lid` id) has `whatsapp_id` instead.
 */
@Entity('contacts')
export class Contact extends SoftDeletableEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  uuid!: string;

  @Column({ name: 'workspace_id', type: 'bigint' })
  workspaceId!: number;

  @Column({ name: 'first_name', type: 'varchar', nullable: true })
  firstName!: string | null;

  @Column({ name: 'last_name', type: 'varchar', nullable: true })
  lastName!: string | null;

  @Column({ type: 'varchar', nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', nullable: true })
  email!: string | null;

  @Column({ name: 'created_by', type: 'bigint', default: 0 })
  createdBy!: number;

  /** `individual` or `group`; NULL on rows from before Switchboard (individuals). */
  @Column({ type: 'varchar', nullable: true })
  type!: 'individual' | 'group' | null;

  /** The WhatsApp id (`…@g.us`, `…@lid`) of a contact that has no phone number. */
  @Column({ name: 'whatsapp_id', type: 'varchar', nullable: true })
  whatsappId!: string | null;

  @Column({ name: 'unread_messages', type: 'int', default: 0 })
  unreadMessages!: number;

  @Column({ name: 'last_message_at', type: 'datetime', nullable: true })
  lastMessageAt!: Date | null;

  @Column({ name: 'latest_chat_created_at', type: 'datetime', nullable: true })
  latestChatCreatedAt!: Date | null;
}
