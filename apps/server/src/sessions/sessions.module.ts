import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { SessionEventsHandler } from './session-events.handler';

/** Linked numbers: their rows, kept current from the engines' session events. */
@Module({
  imports: [EngineLinkModule, RealtimeModule],
  providers: [SessionEventsHandler],
})
export class SessionsModule {}
