import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { SessionEventsHandler } from './session-events.handler';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/**
 * Linked numbers: the numbers API (plan limit, create, primary, lifecycle commands through the
 * engine) and their rows, kept current from the engines' session events.
 */
@Module({
  imports: [EngineLinkModule, RealtimeModule, WhatsAppModule, WorkspacesModule],
  controllers: [SessionsController],
  providers: [SessionEventsHandler, SessionsService],
})
export class SessionsModule {}
