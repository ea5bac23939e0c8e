import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  ContactNumberView,
  ConversationView,
  InboxMessageView,
  MarkConversationReadResult,
  NumberUnreadView,
  Page,
} from '@switchboard/contracts';
import type { WorkspaceContext } from '../auth/request-context';
import { AppException } from '../common/app.exception';
import { ReadReceiptsService } from '../sending/read-receipts.service';
import { CurrentWorkspace, WorkspaceScoped } from '../workspaces/workspace-context';
import {
  ListConversationsQuery,
  ListMessagesQuery,
  MarkConversationReadDto,
} from './conversations.dto';
import { ConversationsService } from './conversations.service';

// A malformed contact id in the path names no contact: 404, as the contacts API answers.
export const contactUuid = new ParseUUIDPipe({
  exceptionFactory: () => AppException.notFound('Contact'),
});

@ApiTags('conversations')
@Controller('api/conversations')
@WorkspaceScoped()
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly receipts: ReadReceiptsService,
  ) {}

  @Get()
  list(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Query() query: ListConversationsQuery,
  ): Promise<Page<ConversationView>> {
    return this.conversations.list(ws.workspaceId, query);
  }

  @Get('unread')
  unread(@CurrentWorkspace() ws: WorkspaceContext): Promise<NumberUnreadView[]> {
    return this.conversations.unreadByNumber(ws.workspaceId);
  }

  @Get(':uuid/messages')
  messages(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', contactUuid) uuid: string,
    @Query() query: ListMessagesQuery,
  ): Promise<Page<InboxMessageView>> {
    return this.conversations.messages(ws.workspaceId, uuid, query);
  }

  @Post(':uuid/read')
  @HttpCode(200)
  async markRead(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', contactUuid) uuid: string,
    @Body() body: MarkConversationReadDto,
  ): Promise<MarkConversationReadResult> {
    const result = await this.conversations.markRead(ws.workspaceId, uuid, body);
    // The customer sees the blue ticks; the agent does not wait for WhatsApp to take them.
    if (result.marked_read > 0) {
      this.receipts.sendInBackground(ws.workspaceId, uuid, body.session_uuid);
    }
    return result;
  }
}

/** The numbers a contact has talked to; beside the contacts API, from the conversations' rows. */
@ApiTags('contacts')
@Controller('api/contacts')
@WorkspaceScoped()
export class ContactNumbersController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get(':uuid/sessions')
  sessions(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', contactUuid) uuid: string,
  ): Promise<ContactNumberView[]> {
    return this.conversations.contactNumbers(ws.workspaceId, uuid);
  }
}
