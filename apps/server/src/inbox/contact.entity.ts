import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../database/soft-deletable.entity';

/** Blazz's `contacts`; `phone` is E.164 with `+`, unique per workspace. */
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
}
