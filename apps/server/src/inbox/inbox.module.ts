import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RealtimeModule } from '../realtime/realtime.module';
import { SendingModule } from '../sending/sending.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { Contact } from './contact.entity';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';
import { ContactNumbersController, ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { MessageMediaController } from './message-media.controller';
import { MessageMediaService } from './message-media.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Contact]),
    RealtimeModule,
    SendingModule,
    WhatsAppModule,
    WorkspacesModule,
  ],
  controllers: [
    ContactsController,
    ConversationsController,
    ContactNumbersController,
    MessageMediaController,
  ],
  providers: [ContactsService, ConversationsService, MessageMediaService],
})
export class InboxModule {}
