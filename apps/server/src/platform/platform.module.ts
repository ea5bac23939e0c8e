import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { PlatformController } from './platform.controller';
import { PlatformHealthService } from './platform-health.service';
import { PlatformPlansService } from './platform-plans.service';
import { PlatformSessionsService } from './platform-sessions.service';

/** The platform admin API: workspaces, plans, every number, platform health. */
@Module({
  imports: [WorkspacesModule, RealtimeModule, EngineLinkModule],
  controllers: [PlatformController],
  providers: [PlatformPlansService, PlatformSessionsService, PlatformHealthService],
})
export class PlatformModule {}
