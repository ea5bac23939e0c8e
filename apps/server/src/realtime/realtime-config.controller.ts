import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  BROADCASTING_AUTH_PATH,
  ErrorCode,
  parseChannel,
  SubscriptionErrorStatus,
  type RealtimeClientConfig,
} from '@switchboard/contracts';
import type { Request } from 'express';
import type Pusher from 'pusher';
import { sessionTokenFrom } from '../auth/session-token';
import { AppException } from '../common/app.exception';
import { clientConfigFrom } from './broadcast-settings';
import { BroadcastSettingsService } from './broadcast-settings.service';
import { BroadcastingAuthDto } from './broadcast-settings.dto';
import { ChannelAuthorizer } from './channel-authorizer.service';
import { SwitchingBroadcastDriver } from './drivers/switching-broadcast-driver';

/** Laravel's answer for a private channel on a broadcaster that signs nothing. */
type UnsignedAuthorization = true | { channel_data: string };

/** What a browser needs to connect: the active driver's public settings and channel signatures. */
@ApiTags('realtime')
@Controller()
export class RealtimeConfigController {
  constructor(
    private readonly settings: BroadcastSettingsService,
    private readonly driver: SwitchingBroadcastDriver,
    private readonly authorizer: ChannelAuthorizer,
  ) {}

  @Get('api/realtime/config')
  async config(): Promise<RealtimeClientConfig> {
    return clientConfigFrom(await this.settings.current());
  }

  /**
   * Authorizes a private or presence channel with the same rules as the socket.io gateway, and
   * answers in the active driver's shape: Pusher gets `{auth, channel_data}` signed with the secret.
   */
  @Post(BROADCASTING_AUTH_PATH.slice(1))
  @HttpCode(200)
  async authorize(
    @Body() body: BroadcastingAuthDto,
    @Req() request: Request,
  ): Promise<Pusher.ChannelAuthResponse | UnsignedAuthorization> {
    const channel = parseChannel(body.channel_name);
    if (!channel) throw AppException.notFound(`Channel "${body.channel_name}"`);
    if (channel.kind === 'public')
      throw new AppException(
        HttpStatus.BAD_REQUEST,
        ErrorCode.VALIDATION_FAILED,
        `"${body.channel_name}" is a public channel and needs no authorization`,
      );
    const result = await this.authorizer.authorize(channel, sessionTokenFrom(request));
    if (!result.allowed) throw deniedError(result.status, body.channel_name);
    const settings = await this.settings.current();
    if (settings.driver === 'pusher') {
      // Laravel sends the numeric user id; pusher-js and Echo pass it through untouched.
      const member = result.member as unknown as Pusher.PresenceChannelData | undefined;
      return this.driver
        .pusherFor(settings)
        .authorizeChannel(body.socket_id, body.channel_name, member ?? undefined);
    }
    return result.member ? { channel_data: JSON.stringify(result.member) } : true;
  }
}

function deniedError(status: SubscriptionErrorStatus, channel: string): AppException {
  switch (status) {
    case SubscriptionErrorStatus.UNAUTHENTICATED:
      return AppException.unauthenticated();
    case SubscriptionErrorStatus.UNKNOWN_CHANNEL:
      return AppException.notFound(`Channel "${channel}"`);
    case SubscriptionErrorStatus.FORBIDDEN:
    case SubscriptionErrorStatus.TOO_MANY_SUBSCRIPTIONS:
    case SubscriptionErrorStatus.SERVER_ERROR:
      return AppException.forbidden(`You may not listen on "${channel}"`);
  }
}
