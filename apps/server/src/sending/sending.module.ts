import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { NumberHealthService } from './number-health.service';
import { OutboundMessagesService } from './outbound-messages.service';
import { ReadReceiptsService } from './read-receipts.service';
import { RepliesController } from './replies.controller';
import { SendMessageProcessor } from './send-message.processor';
import { SenderSelector } from './sender-selector';

/**
 * Messages out: replies written `pending` with an idempotency key, the send job, the selector
 * that picks the number (with failover), and the numbers' health scores.
 */
@Module({
  imports: [RealtimeModule, WhatsAppModule, WorkspacesModule],
  controllers: [RepliesController],
  providers: [
    OutboundMessagesService,
    SendMessageProcessor,
    SenderSelector,
    NumberHealthService,
    ReadReceiptsService,
  ],
  exports: [OutboundMessagesService, NumberHealthService, ReadReceiptsService],
})
export class SendingModule {}
