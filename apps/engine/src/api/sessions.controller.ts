import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ENGINE_ROUTES,
  type EngineMediaView,
  type EngineSessionView,
  type MarkReadResult,
  type SendResult,
} from '@switchboard/contracts';
import { SessionHostService } from '../sessions/session-host.service';
import {
  parseMarkRead,
  parseMessageId,
  parseSendMedia,
  parseSendText,
  parseSessionId,
  parseStart,
} from './command-validation';
import { SignedRequestGuard } from './signed-request.guard';

/** The engine's command API; every route needs a signed request (see SignedRequestGuard). */
@Controller()
@UseGuards(SignedRequestGuard)
export class SessionsController {
  constructor(private readonly host: SessionHostService) {}

  @Post(ENGINE_ROUTES.startSession.path)
  @HttpCode(202)
  start(@Param('sessionId') sessionId: string, @Body() body: unknown): Promise<EngineSessionView> {
    return this.host.start(parseSessionId(sessionId), parseStart(body));
  }

  @Post(ENGINE_ROUTES.stopSession.path)
  @HttpCode(200)
  stop(@Param('sessionId') sessionId: string): Promise<EngineSessionView> {
    return this.host.stop(parseSessionId(sessionId));
  }

  @Post(ENGINE_ROUTES.logoutSession.path)
  @HttpCode(200)
  logout(@Param('sessionId') sessionId: string): Promise<EngineSessionView> {
    return this.host.logout(parseSessionId(sessionId));
  }

  @Post(ENGINE_ROUTES.restartSession.path)
  @HttpCode(202)
  restart(@Param('sessionId') sessionId: string): Promise<EngineSessionView> {
    return this.host.restart(parseSessionId(sessionId));
  }

  @Post(ENGINE_ROUTES.regenerateQr.path)
  @HttpCode(202)
  regenerateQr(@Param('sessionId') sessionId: string): Promise<EngineSessionView> {
    return this.host.regenerateQr(parseSessionId(sessionId));
  }

  @Get(ENGINE_ROUTES.sessionStatus.path)
  status(@Param('sessionId') sessionId: string): EngineSessionView {
    return this.host.status(parseSessionId(sessionId));
  }

  @Post(ENGINE_ROUTES.sendText.path)
  @HttpCode(200)
  sendText(@Param('sessionId') sessionId: string, @Body() body: unknown): Promise<SendResult> {
    return this.host.sendText(parseSessionId(sessionId), parseSendText(body));
  }

  @Post(ENGINE_ROUTES.sendMedia.path)
  @HttpCode(200)
  sendMedia(@Param('sessionId') sessionId: string, @Body() body: unknown): Promise<SendResult> {
    return this.host.sendMedia(parseSessionId(sessionId), parseSendMedia(body));
  }

  @Post(ENGINE_ROUTES.markRead.path)
  @HttpCode(200)
  markRead(@Param('sessionId') sessionId: string, @Body() body: unknown): Promise<MarkReadResult> {
    return this.host.markRead(parseSessionId(sessionId), parseMarkRead(body).chat_id);
  }

  @Get(ENGINE_ROUTES.messageMedia.path)
  media(
    @Param('sessionId') sessionId: string,
    @Param('messageId') messageId: string,
  ): Promise<EngineMediaView> {
    return this.host.media(parseSessionId(sessionId), parseMessageId(messageId));
  }
}
