import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Echo's interceptors send the connection id in this header so the backend can skip it ("toOthers"). */
export const SOCKET_ID_HEADER = 'x-socket-id';

/** socket.io ids (base64url) and Pusher ids (`123.456`); anything else is ignored. */
const SOCKET_ID = /^[\w.-]{1,64}$/;

export function socketIdFrom(request: Pick<Request, 'headers'>): string | null {
  const value = request.headers[SOCKET_ID_HEADER];
  const id = Array.isArray(value) ? value[0] : value;
  return id && SOCKET_ID.test(id) ? id : null;
}

/** The caller's realtime socket id from `X-Socket-Id`, or null; pass it as `exceptSocketId`. */
export const SocketId = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | null =>
    socketIdFrom(ctx.switchToHttp().getRequest<Request>()),
);
