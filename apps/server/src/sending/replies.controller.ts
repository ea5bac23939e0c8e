import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { OutboundMessageView } from '@switchboard/contracts';
import type { Response } from 'express';
import type { AuthContext, WorkspaceContext } from '../auth/request-context';
import { CurrentAuth } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import { SocketId } from '../realtime/socket-id';
import { CurrentWorkspace, WorkspaceScoped } from '../workspaces/workspace-context';
import { OutboundMessagesService } from './outbound-messages.service';
import { SendMessageDto } from './sending.dto';

/** A malformed id in the path names nothing: 404, as the rest of the inbox answers. */
function uuidOf(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => AppException.notFound(what) });
}

/** Agents' replies: written at once as `pending`, delivered by the send job, status live. */
@ApiTags('conversations')
@Controller('api/conversations')
@WorkspaceScoped()
export class RepliesController {
  constructor(private readonly outbound: OutboundMessagesService) {}

  /** 202 with the new message; 200 with the message made before when the key was used already. */
  @Post(':uuid/messages')
  async send(
    @CurrentWorkspace() ws: WorkspaceContext,
    @CurrentAuth() auth: AuthContext,
    @Param('uuid', uuidOf('Contact')) uuid: string,
    @Body() body: SendMessageDto,
    @SocketId() socketId: string | null,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OutboundMessageView> {
    const { view, created } = await this.outbound.send(
      ws.workspaceId,
      Number(auth.user.id),
      uuid,
      body,
      socketId,
    );
    response.status(created ? 202 : 200);
    return view;
  }

  /** One message with how its delivery went: every number tried, and why one failed. */
  @Get(':uuid/messages/:messageUuid')
  show(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidOf('Contact')) uuid: string,
    @Param('messageUuid', uuidOf('Message')) message: string,
  ): Promise<OutboundMessageView> {
    return this.outbound.show(ws.workspaceId, uuid, message);
  }

  @Post(':uuid/messages/:messageUuid/retry')
  @HttpCode(202)
  retry(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidOf('Contact')) uuid: string,
    @Param('messageUuid', uuidOf('Message')) message: string,
  ): Promise<OutboundMessageView> {
    return this.outbound.retry(ws.workspaceId, uuid, message);
  }
}
