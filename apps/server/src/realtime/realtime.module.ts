import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SettingsModule } from '../settings/settings.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { BroadcastDriverSwitchService } from './broadcast-driver-switch.service';
import { BroadcastSettingsController } from './broadcast-settings.controller';
import { BroadcastSettingsService } from './broadcast-settings.service';
import { BroadcasterService } from './broadcaster.service';
import { ChannelAuthorizer } from './channel-authorizer.service';
import { BROADCAST_DRIVER } from './drivers/broadcast-driver.port';
import { SocketIoBroadcastDriver } from './drivers/socketio-broadcast-driver';
import { SwitchingBroadcastDriver } from './drivers/switching-broadcast-driver';
import { EchoGateway } from './echo.gateway';
import { RealtimeConfigController } from './realtime-config.controller';

/**
 * The Echo-protocol Socket.IO gateway on the app's HTTP server (`/socket.io`), the broadcaster and
 * the admin-switchable broadcast drivers. Other modules import this module and call
 * {@link BroadcasterService}; nothing else here is public.
 */
@Module({
  imports: [AuthModule, WorkspacesModule, SettingsModule],
  controllers: [RealtimeConfigController, BroadcastSettingsController],
  providers: [
    EchoGateway,
    ChannelAuthorizer,
    SocketIoBroadcastDriver,
    BroadcastSettingsService,
    SwitchingBroadcastDriver,
    { provide: BROADCAST_DRIVER, useExisting: SwitchingBroadcastDriver },
    BroadcasterService,
    BroadcastDriverSwitchService,
  ],
  exports: [BroadcasterService],
})
export class RealtimeModule {}
