import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasWorkspaceRole, WORKSPACE_HEADER, type WorkspaceRole } from '@switchboard/contracts';
import type { SwitchboardRequest, WorkspaceContext } from '../auth/request-context';
import { AppException } from '../common/app.exception';
import { WorkspacesService } from './workspaces.service';

const MIN_ROLE = Symbol('minRole');

/**
 * Resolves the workspace a request acts on: the `X-Workspace-Id` header, else the login's current
 * workspace. A workspace the caller is not an active member of answers 404, exactly as if it did
 * not exist, so ids of other tenants reveal nothing.
 */
@Injectable()
export class WorkspaceGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly workspaces: WorkspacesService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SwitchboardRequest>();
    const auth = request.auth;
    if (!auth) throw AppException.unauthenticated();
    const header = request.headers[WORKSPACE_HEADER];
    let workspaceId: number | null = auth.session.currentWorkspaceId;
    if (typeof header === 'string' && header.trim() !== '') {
      if (!/^\d{1,18}$/.test(header.trim())) throw AppException.notFound('Workspace');
      workspaceId = Number(header);
    }
    if (workspaceId === null)
      workspaceId = (await this.workspaces.membershipsOf(auth.user.id))[0]?.id ?? null;
    if (workspaceId === null) throw AppException.notFound('Workspace');
    const role = await this.workspaces.roleOf(auth.user.id, workspaceId);
    if (!role) throw AppException.notFound('Workspace');
    const required = this.reflector.getAllAndOverride<WorkspaceRole | undefined>(MIN_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !hasWorkspaceRole(role, required)) {
      throw AppException.forbidden(
        `This needs the ${required} role in the workspace; you are ${role}`,
      );
    }
    request.workspace = { workspaceId, role };
    return true;
  }
}

/** The route acts on one workspace; optionally the caller needs at least `minRole` there. */
export function WorkspaceScoped(minRole?: WorkspaceRole): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(MIN_ROLE, minRole), UseGuards(WorkspaceGuard));
}

/** Raises the role needed for one route of a @WorkspaceScoped() controller. */
export const MinRole = (role: WorkspaceRole): MethodDecorator => SetMetadata(MIN_ROLE, role);

export const CurrentWorkspace = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): WorkspaceContext => {
    const workspace = ctx.switchToHttp().getRequest<SwitchboardRequest>().workspace;
    if (!workspace) throw new Error('CurrentWorkspace used outside a @WorkspaceScoped() route');
    return workspace;
  },
);
