import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type MemberView, type WorkspaceRole } from '@switchboard/contracts';
import { Repository } from 'typeorm';
import { AppException } from '../common/app.exception';
import { UsersService } from '../users/users.service';
import { Team } from './team.entity';

@Injectable()
export class MembersService {
  constructor(
    @InjectRepository(Team) private readonly teams: Repository<Team>,
    private readonly users: UsersService,
  ) {}

  async list(workspaceId: number): Promise<MemberView[]> {
    const rows = await this.teams.find({
      where: { workspaceId },
      relations: { user: true },
      order: { id: 'ASC' },
    });
    return rows.filter((row) => row.user).map(toView);
  }

  /** Adds an existing user by email, or creates the account when a name and password are given. */
  async add(
    workspaceId: number,
    actorId: number,
    input: { email: string; role: WorkspaceRole; first_name?: string; password?: string },
  ): Promise<MemberView> {
    let user = await this.users.findByEmail(input.email);
    if (!user) {
      if (!input.first_name || !input.password) {
        throw new AppException(
          HttpStatus.BAD_REQUEST,
          ErrorCode.VALIDATION_FAILED,
          'No account has this email; give first_name and password to create one',
          {
            fields: [
              ...(input.first_name
                ? []
                : [{ field: 'first_name', problems: ['is required for a new account'] }]),
              ...(input.password
                ? []
                : [{ field: 'password', problems: ['is required for a new account'] }]),
            ],
          },
        );
      }
      user = await this.users.create({
        email: input.email,
        password: input.password,
        firstName: input.first_name,
      });
    }
    const existing = await this.teams.findOne({ where: { workspaceId, userId: user.id } });
    if (existing)
      throw AppException.conflict(`${input.email} is already a member of this workspace`);
    const row = await this.teams.save(
      this.teams.create({
        uuid: randomUUID(),
        workspaceId,
        userId: user.id,
        role: input.role,
        status: 'active',
        createdBy: actorId,
      }),
    );
    return toView({ ...row, user });
  }

  async changeRole(workspaceId: number, uuid: string, role: WorkspaceRole): Promise<MemberView> {
    const row = await this.find(workspaceId, uuid);
    if (row.role === 'owner' && role !== 'owner')
      await this.assertAnotherOwner(workspaceId, row.id);
    await this.teams.update({ id: row.id }, { role });
    return toView({ ...row, role });
  }

  async remove(workspaceId: number, uuid: string): Promise<void> {
    const row = await this.find(workspaceId, uuid);
    if (row.role === 'owner') await this.assertAnotherOwner(workspaceId, row.id);
    await this.teams.softDelete({ id: row.id });
  }

  private async find(workspaceId: number, uuid: string): Promise<Team> {
    const row = await this.teams.findOne({
      where: { workspaceId, uuid },
      relations: { user: true },
    });
    if (!row?.user) throw AppException.notFound('Member');
    return row;
  }

  private async assertAnotherOwner(workspaceId: number, exceptId: number): Promise<void> {
    const owners = await this.teams.find({
      where: { workspaceId, role: 'owner', status: 'active' },
    });
    if (!owners.some((o) => o.id !== exceptId)) {
      throw AppException.conflict('A workspace must keep at least one owner');
    }
  }
}

function toView(row: Team): MemberView {
  return {
    uuid: row.uuid,
    user_id: row.userId,
    email: row.user!.email,
    name: row.user!.displayName,
    role: row.role,
    status: row.status,
  };
}
