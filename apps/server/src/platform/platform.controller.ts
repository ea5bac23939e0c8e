import { Body, Controller, Get, Param, ParseIntPipe, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  PlatformHealthView,
  PlatformSessionView,
  SubscriptionPlanView,
  WorkspaceView,
} from '@switchboard/contracts';
import { PlatformAdminOnly } from '../auth/auth.decorators';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { PlatformHealthService } from './platform-health.service';
import { UpdateSubscriptionPlanDto } from './platform-plans.dto';
import { PlatformPlansService } from './platform-plans.service';
import { PlatformSessionsService } from './platform-sessions.service';

/** What platform super admins see across every workspace. */
@ApiTags('platform')
@Controller('api/admin')
@PlatformAdminOnly()
export class PlatformController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly plans: PlatformPlansService,
    private readonly sessions: PlatformSessionsService,
    private readonly health: PlatformHealthService,
  ) {}

  @Get('workspaces')
  workspacesList(): Promise<WorkspaceView[]> {
    return this.workspaces.listAll();
  }

  @Get('plans')
  plansList(): Promise<SubscriptionPlanView[]> {
    return this.plans.list();
  }

  /** Sets a plan's WhatsApp-number limit; open plans pages hear it on the platform channel. */
  @Patch('plans/:id')
  planUpdate(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateSubscriptionPlanDto,
  ): Promise<SubscriptionPlanView> {
    return this.plans.updateLimit(id, body);
  }

  /** Every active number of every workspace, with its status and engine. */
  @Get('sessions')
  sessionsList(): Promise<PlatformSessionView[]> {
    return this.sessions.list();
  }

  @Get('health')
  healthView(): Promise<PlatformHealthView> {
    return this.health.view();
  }
}
