import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  WhatsappSessionDetailView,
  WhatsappSessionLimitsView,
  WhatsappSessionView,
} from '@switchboard/contracts';
import { CurrentAuth } from '../auth/auth.decorators';
import type { AuthContext, WorkspaceContext } from '../auth/request-context';
import { AppException } from '../common/app.exception';
import { CurrentWorkspace, MinRole, WorkspaceScoped } from '../workspaces/workspace-context';
import { CreateSessionDto, RequestPairingCodeDto } from './sessions.dto';
import { SessionsService } from './sessions.service';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => AppException.notFound('WhatsApp number'),
});

/** The workspace's WhatsApp numbers: every member may look, managers and owners change them. */
@ApiTags('sessions')
@Controller('api/sessions')
@WorkspaceScoped()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  list(@CurrentWorkspace() ws: WorkspaceContext): Promise<WhatsappSessionView[]> {
    return this.sessions.list(ws.workspaceId);
  }

  @Get('limits')
  limits(@CurrentWorkspace() ws: WorkspaceContext): Promise<WhatsappSessionLimitsView> {
    return this.sessions.limits(ws.workspaceId);
  }

  @Post()
  @MinRole('manager')
  create(
    @CurrentWorkspace() ws: WorkspaceContext,
    @CurrentAuth() auth: AuthContext,
    @Body() body: CreateSessionDto,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.create(ws.workspaceId, auth.user.id, body);
  }

  @Get(':uuid')
  get(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.get(ws.workspaceId, uuid);
  }

  @Post(':uuid/primary')
  @MinRole('manager')
  @HttpCode(200)
  setPrimary(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.setPrimary(ws.workspaceId, uuid);
  }

  @Post(':uuid/reconnect')
  @MinRole('manager')
  @HttpCode(202)
  reconnect(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.reconnect(ws.workspaceId, uuid);
  }

  @Post(':uuid/regenerate-qr')
  @MinRole('manager')
  @HttpCode(202)
  regenerateQr(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.regenerateQr(ws.workspaceId, uuid);
  }

  /** Links by a code typed on the phone instead of a QR; the code comes as a realtime event. */
  @Post(':uuid/pairing-code')
  @MinRole('manager')
  @HttpCode(202)
  requestPairingCode(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
    @Body() body: RequestPairingCodeDto,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.requestPairingCode(ws.workspaceId, uuid, body.phone_number);
  }

  @Post(':uuid/disconnect')
  @MinRole('manager')
  @HttpCode(200)
  disconnect(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<WhatsappSessionDetailView> {
    return this.sessions.disconnect(ws.workspaceId, uuid);
  }

  @Delete(':uuid')
  @MinRole('manager')
  @HttpCode(204)
  remove(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<void> {
    return this.sessions.remove(ws.workspaceId, uuid);
  }
}
