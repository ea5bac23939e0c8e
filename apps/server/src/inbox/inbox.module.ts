import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SendingModule } from '../sending/sending.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { Contact } from './contact.entity';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';
import { ContactNumbersController, ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [TypeOrmModule.forFeature([Contact]), SendingModule, WorkspacesModule],
  controllers: [ContactsController, ConversationsController, ContactNumbersController],
  providers: [ContactsService, ConversationsService],
})
export class InboxModule {}
