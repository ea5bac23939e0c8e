import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Blazz's `workspaces` table (the tenant). */
@Entity('workspaces')
export class Workspace {
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

  @CreateDateColumn({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'datetime' })
  deletedAt!: Date | null;
}
