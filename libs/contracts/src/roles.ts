/** A member's role inside one workspace (Blazz `teams.role`). */
export const WORKSPACE_ROLES = ['owner', 'manager', 'agent'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** Rank used for "at least this role" checks. */
export const WORKSPACE_ROLE_RANK: Record<WorkspaceRole, number> = {
  agent: 1,
  manager: 2,
  owner: 3,
};

export function hasWorkspaceRole(actual: WorkspaceRole, required: WorkspaceRole): boolean {
  return WORKSPACE_ROLE_RANK[actual] >= WORKSPACE_ROLE_RANK[required];
}

/** Blazz marks platform super admins with `users.role = 'admin'`. */
export const PLATFORM_ADMIN_ROLE = 'admin';

export const MEMBERSHIP_STATUSES = ['active', 'suspended'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];
