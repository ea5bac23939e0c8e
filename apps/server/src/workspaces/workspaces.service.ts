import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { WorkspaceMembershipView, WorkspaceRole, WorkspaceView } from '@switchboard/contracts';
import { DataSource, Repository } from 'typeorm';
import { AppException } from '../common/app.exception';
import { Team } from './team.entity';
import { Workspace } from './workspace.entity';

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectRepository(Workspace) private readonly workspaces: Repository<Workspace>,
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Active memberships of a user, oldest first; soft-deleted workspaces and memberships are left out. */
  async membershipsOf(userId: number): Promise<WorkspaceMembershipView[]> {
    const rows = await this.teams.find({
      where: { userId, status: 'active' },
      relations: { workspace: true },
      order: { id: 'ASC' },
    });
    return rows
      .filter((row) => row.workspace)
      .map((row) => ({
        id: row.workspaceId,
        uuid: row.workspace!.uuid,
        name: row.workspace!.name ?? '',
        role: row.role,
      }));
  }

  /** The caller's role in a workspace, or null when they are not an active member. */
  /**
   * The caller's role in a live workspace, asked on every workspace-scoped request: one statement
   * (a `findOne` with the relation would take two, ids first, then rows).
   */
  async roleOf(userId: number, workspaceId: number): Promise<WorkspaceRole | null> {
    const row = await this.teams
      .createQueryBuilder('team')
      .innerJoin(
        Workspace,
        'workspace',
        'workspace.id = team.workspaceId AND workspace.deletedAt IS NULL',
      )
      .select('team.role', 'role')
      .where('team.userId = :userId', { userId })
      .andWhere('team.workspaceId = :workspaceId', { workspaceId })
      .andWhere("team.status = 'active'")
      .getRawOne<{ role: WorkspaceRole }>();
    return row?.role ?? null;
  }

  async get(workspaceId: number): Promise<WorkspaceView> {
    const workspace = await this.workspaces.findOne({ where: { id: workspaceId } });
    if (!workspace) throw AppException.notFound('Workspace');
    return toView(workspace);
  }

  async update(
    workspaceId: number,
    changes: { name?: string; timezone?: string },
  ): Promise<WorkspaceView> {
    await this.workspaces.update({ id: workspaceId }, changes);
    return this.get(workspaceId);
  }

  /** Creates a workspace with its creator as owner, in one transaction. */
  async create(userId: number, input: { name: string; timezone?: string }): Promise<WorkspaceView> {
    const workspace = await this.dataSource.transaction(async (manager) => {
      const created = await manager.save(
        manager.create(Workspace, {
          uuid: randomUUID(),
          identifier: randomBytes(8).toString('hex'),
          name: input.name,
          timezone: input.timezone ?? 'UTC',
          createdBy: userId,
        }),
      );
      await manager.save(
        manager.create(Team, {
          uuid: randomUUID(),
          workspaceId: created.id,
          userId,
          role: 'owner',
          status: 'active',
          createdBy: userId,
        }),
      );
      return created;
    });
    return toView(workspace);
  }

  async listAll(): Promise<WorkspaceView[]> {
    return (await this.workspaces.find({ order: { id: 'ASC' } })).map(toView);
  }
}

function toView(workspace: Workspace): WorkspaceView {
  return {
    id: workspace.id,
    uuid: workspace.uuid,
    name: workspace.name ?? '',
    identifier: workspace.identifier,
    timezone: workspace.timezone,
    created_at: new Date(workspace.createdAt).toISOString(),
  };
}
