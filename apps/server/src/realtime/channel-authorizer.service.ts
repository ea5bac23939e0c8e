import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CHANNELS,
  PLATFORM_ADMIN_ROLE,
  SubscriptionErrorStatus,
  type AgentPresenceInfo,
  type ChannelDefinition,
  type ChannelRecord,
  type ChannelRule,
  type ParsedChannel,
  type PresenceMember,
  type WorkspaceRole,
} from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import type { AuthContext } from '../auth/request-context';
import { WorkspacesService } from '../workspaces/workspaces.service';

export type ChannelAuthorization =
  | { allowed: true; member: PresenceMember<AgentPresenceInfo> | null }
  | { allowed: false; status: SubscriptionErrorStatus };

/** Where each record a channel can name lives; `deleted_at` marks a soft-deleted row. */
const RECORD_TABLES: Record<ChannelRecord, { table: string; key: string }> = {
  contact: { table: 'contacts', key: 'id' },
  campaign: { table: 'campaigns', key: 'uuid' },
};

/**
 * Evaluates the channel rules declared in `@switchboard/contracts` for one login, in-process
 * (no HTTP hop to `/broadcasting/auth`). Every rule of the channel must hold.
 */
@Injectable()
export class ChannelAuthorizer {
  constructor(
    private readonly auth: AuthService,
    private readonly workspaces: WorkspacesService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async authorize(
    channel: Exclude<ParsedChannel, { kind: 'public' }>,
    token: string | null,
  ): Promise<ChannelAuthorization> {
    const login = token ? await this.auth.resolve(token) : null;
    if (!login) return { allowed: false, status: SubscriptionErrorStatus.UNAUTHENTICATED };
    const definition: ChannelDefinition = CHANNELS[channel.key];
    const roles = new Map<number, WorkspaceRole | null>();
    const roleIn = async (workspaceId: number): Promise<WorkspaceRole | null> => {
      if (!roles.has(workspaceId))
        roles.set(workspaceId, await this.workspaces.roleOf(login.user.id, workspaceId));
      return roles.get(workspaceId) ?? null;
    };
    for (const rule of definition.authorize) {
      if (!(await this.holds(rule, channel.params, login, roleIn))) {
        return { allowed: false, status: SubscriptionErrorStatus.FORBIDDEN };
      }
    }
    if (definition.kind !== 'presence') return { allowed: true, member: null };
    // Presence channels are all workspace-scoped; the role is the one in that workspace.
    const workspaceId = Number(channel.params.workspaceId);
    const role = await roleIn(workspaceId);
    if (!role) return { allowed: false, status: SubscriptionErrorStatus.FORBIDDEN };
    return {
      allowed: true,
      member: {
        user_id: login.user.id,
        user_info: { id: login.user.id, name: login.user.displayName, role },
      },
    };
  }

  private async holds(
    rule: ChannelRule,
    params: Record<string, string | number>,
    login: AuthContext,
    roleIn: (workspaceId: number) => Promise<WorkspaceRole | null>,
  ): Promise<boolean> {
    switch (rule.rule) {
      case 'workspace_member':
        return (await roleIn(Number(params[rule.param]))) !== null;
      case 'self':
        return login.user.id === Number(params[rule.param]);
      case 'platform_admin':
        return login.user.role === PLATFORM_ADMIN_ROLE;
      case 'record_in_workspace': {
        const owner = await this.workspaceOf(rule.record, params[rule.param]!);
        return owner !== null && owner === Number(params[rule.workspaceParam]);
      }
      case 'record_workspace_member': {
        const owner = await this.workspaceOf(rule.record, params[rule.param]!);
        return owner !== null && (await roleIn(owner)) !== null;
      }
    }
  }

  /** The workspace that owns a live (not soft-deleted) record, or null. */
  private async workspaceOf(record: ChannelRecord, key: string | number): Promise<number | null> {
    const { table, key: column } = RECORD_TABLES[record];
    const row = await this.dataSource
      .createQueryBuilder()
      .select('r.workspace_id', 'workspace_id')
      .from(table, 'r')
      .where(`r.${column} = :key`, { key })
      .andWhere('r.deleted_at IS NULL')
      .getRawOne<{ workspace_id: number | string | null }>();
    return row?.workspace_id == null ? null : Number(row.workspace_id);
  }
}
