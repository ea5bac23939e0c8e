import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Which numbers a contact talked to: first and last interaction, and how many messages. */
@Entity('contact_sessions')
export class ContactSession {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'contact_id', type: 'bigint' })
  contactId!: number;

  @Column({ name: 'whatsapp_session_id', type: 'bigint' })
  whatsappSessionId!: number;

  @Column({ name: 'first_interaction_at', type: 'datetime', nullable: true })
  firstInteractionAt!: Date | null;

  @Column({ name: 'last_interaction_at', type: 'datetime', nullable: true })
  lastInteractionAt!: Date | null;

  @Column({ name: 'total_messages', type: 'int', default: 0 })
  totalMessages!: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;
}
