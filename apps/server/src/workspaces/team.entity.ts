import {
  MEMBERSHIP_STATUSES,
  WORKSPACE_ROLES,
  type MembershipStatus,
  type WorkspaceRole,
} from '@switchboard/contracts';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SoftDeletableEntity } from '../database/soft-deletable.entity';
import { User } from '../users/user.entity';
import { Workspace } from './workspace.entity';

/** Blazz's `teams`: a user's membership of a workspace, with their role there. */
@Entity('teams')
export class Team extends SoftDeletableEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar' })
  uuid!: string;

  @Column({ name: 'workspace_id', type: 'bigint' })
  workspaceId!: number;

  @ManyToOne(() => Workspace)
  @JoinColumn({ name: 'workspace_id' })
  workspace?: Workspace;

  @Column({ name: 'user_id', type: 'bigint' })
  userId!: number;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'simple-enum', enum: WORKSPACE_ROLES, default: 'manager' })
  role!: WorkspaceRole;

  @Column({ type: 'simple-enum', enum: MEMBERSHIP_STATUSES, default: 'active' })
  status!: MembershipStatus;

  @Column({ name: 'created_by', type: 'bigint' })
  createdBy!: number;
}
