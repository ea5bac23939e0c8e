import type { UserLocale } from '@switchboard/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../database/soft-deletable.entity';

/** Blazz's `users` table; `role = 'admin'` marks a platform super admin. */
@Entity('users')
export class User extends SoftDeletableEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'first_name', type: 'varchar' })
  firstName!: string;

  @Column({ name: 'last_name', type: 'varchar', nullable: true })
  lastName!: string | null;

  @Column({ type: 'varchar' })
  email!: string;

  /** bcrypt hash; Laravel's `$2y$` hashes are accepted as they are. */
  @Column({ type: 'varchar', nullable: true, select: false })
  password!: string | null;

  @Column({ type: 'varchar', default: 'user' })
  role!: string;

  /** 1 = active, as Blazz writes it. */
  @Column({ type: 'int', default: 1 })
  status!: number;

  /** The language chosen for the admin (`en`, `id`); null until the user picks one. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  locale!: UserLocale | null;

  get displayName(): string {
    return [this.firstName, this.lastName].filter(Boolean).join(' ');
  }
}
