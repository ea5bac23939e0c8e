import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { InboundPipelineService } from './inbound-pipeline.service';
import { MessagingSessionsService } from './messaging-sessions.service';
import { WebjsMessageListener } from './webjs-message.listener';

/**
 * Messages in: one pipeline (store once, contact, contact ↔ number, unread count, realtime) fed
 * by the WhatsApp Web engine's events.
 */
@Module({
  imports: [EngineLinkModule, RealtimeModule],
  providers: [InboundPipelineService, MessagingSessionsService, WebjsMessageListener],
  exports: [InboundPipelineService],
})
export class MessagingModule {}
