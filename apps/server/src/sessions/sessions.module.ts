import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { MetaCredentialsChecker } from '../whatsapp/meta-cloud/meta-credentials.checker';
import {
  META_GRAPH_OPTIONS,
  MetaGraphClient,
  metaGraphOptionsFromEnv,
} from '../whatsapp/meta-cloud/meta-graph.client';
import { SessionEventsHandler } from './session-events.handler';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/**
 * Linked numbers: the numbers API (plan limit, create, primary, lifecycle commands through the
 * engine) and their rows, kept current from the engines' session events.
 */
@Module({
  imports: [EngineLinkModule, RealtimeModule, WorkspacesModule],
  controllers: [SessionsController],
  providers: [
    SessionEventsHandler,
    SessionsService,
    MetaCredentialsChecker,
    MetaGraphClient,
    { provide: META_GRAPH_OPTIONS, useFactory: () => metaGraphOptionsFromEnv(process.env) },
  ],
})
export class SessionsModule {}
