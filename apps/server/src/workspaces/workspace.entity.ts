import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../database/soft-deletable.entity';

/** Blazz's `workspaces` table (the tenant). */
@Entity('workspaces')
export class Workspace extends SoftDeletableEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  uuid!: string;

  /** Public identifier used in the Meta webhook URL `/webhook/whatsapp/{identifier}`. */
  @Column({ type: 'varchar' })
  identifier!: string;

  @Column({ type: 'varchar', nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', default: 'UTC' })
  timezone!: string;

  @Column({ name: 'created_by', type: 'bigint' })
  createdBy!: number;
}
