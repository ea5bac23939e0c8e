import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { BroadcasterService } from './broadcaster.service';
import { ChannelAuthorizer } from './channel-authorizer.service';
import { BROADCAST_DRIVER } from './drivers/broadcast-driver.port';
import { SocketIoBroadcastDriver } from './drivers/socketio-broadcast-driver';
import { EchoGateway } from './echo.gateway';

/**
 * The Echo-protocol Socket.IO gateway on the app's HTTP server (`/socket.io`) and the broadcaster.
 * Other modules import this module and call {@link BroadcasterService}; nothing else here is public.
 */
@Module({
  imports: [AuthModule, WorkspacesModule],
  providers: [
    EchoGateway,
    ChannelAuthorizer,
    SocketIoBroadcastDriver,
    { provide: BROADCAST_DRIVER, useExisting: SocketIoBroadcastDriver },
    BroadcasterService,
  ],
  exports: [BroadcasterService],
})
export class RealtimeModule {}
