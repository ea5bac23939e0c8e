import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { InboundPipelineService } from './inbound-pipeline.service';
import { MessagingSessionsService } from './messaging-sessions.service';
import { MetaWebhookController } from './meta-webhook.controller';
import { MetaWebhookService } from './meta-webhook.service';
import { MetaWebhookTargets } from './meta-webhook-targets';
import { WebjsMessageListener } from './webjs-message.listener';

/**
 * Messages in: one pipeline (store once, contact, contact ↔ number, unread count, realtime) fed
 * by the WhatsApp Web engine's events and by Meta's webhook.
 */
@Module({
  imports: [EngineLinkModule, RealtimeModule],
  controllers: [MetaWebhookController],
  providers: [
    InboundPipelineService,
    MessagingSessionsService,
    MetaWebhookService,
    MetaWebhookTargets,
    WebjsMessageListener,
  ],
  exports: [InboundPipelineService],
})
export class MessagingModule {}
