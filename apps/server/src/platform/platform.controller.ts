import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { WorkspaceView } from '@switchboard/contracts';
import { PlatformAdminOnly } from '../auth/auth.decorators';
import { WorkspacesService } from '../workspaces/workspaces.service';

/** What platform super admins see across every workspace. */
@ApiTags('platform')
@Controller('api/admin')
@PlatformAdminOnly()
export class PlatformController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get('workspaces')
  workspacesList(): Promise<WorkspaceView[]> {
    return this.workspaces.listAll();
  }
}
