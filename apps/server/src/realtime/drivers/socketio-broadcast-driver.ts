import { Injectable } from '@nestjs/common';
import { EchoGateway } from '../echo.gateway';
import type { BroadcastDriverPort, BroadcastMessage } from './broadcast-driver.port';

/**
 * The built-in driver: emits `(event, channel, payload)` through the Echo gateway's socket.io
 * server. The fan-out adapter carries it to the sockets on every node, and `except` skips the
 * excluded socket wherever it is connected.
 */
@Injectable()
export class SocketIoBroadcastDriver implements BroadcastDriverPort {
  readonly name = 'socketio' as const;

  constructor(private readonly gateway: EchoGateway) {}

  publish({ channels, event, payload, exceptSocketId }: BroadcastMessage): Promise<void> {
    for (const channel of channels) {
      const room = this.gateway.server.to(channel);
      (exceptSocketId ? room.except(exceptSocketId) : room).emit(event, channel, payload);
    }
    return Promise.resolve();
  }
}
