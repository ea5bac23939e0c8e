import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { WorkspaceMembershipView, WorkspaceView } from '@switchboard/contracts';
import { CurrentAuth } from '../auth/auth.decorators';
import type { AuthContext, WorkspaceContext } from '../auth/request-context';
import { CurrentWorkspace, WorkspaceScoped } from './workspace-context';
import { CreateWorkspaceDto, UpdateWorkspaceDto } from './workspaces.dto';
import { WorkspacesService } from './workspaces.service';

@ApiTags('workspaces')
@Controller('api/workspaces')
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  list(@CurrentAuth() auth: AuthContext): Promise<WorkspaceMembershipView[]> {
    return this.workspaces.membershipsOf(auth.user.id);
  }

  @Post()
  create(
    @CurrentAuth() auth: AuthContext,
    @Body() body: CreateWorkspaceDto,
  ): Promise<WorkspaceView> {
    return this.workspaces.create(auth.user.id, body);
  }

  @Get('current')
  @WorkspaceScoped()
  current(@CurrentWorkspace() ws: WorkspaceContext): Promise<WorkspaceView> {
    return this.workspaces.get(ws.workspaceId);
  }

  @Patch('current')
  @WorkspaceScoped('owner')
  update(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Body() body: UpdateWorkspaceDto,
  ): Promise<WorkspaceView> {
    return this.workspaces.update(ws.workspaceId, body);
  }
}
