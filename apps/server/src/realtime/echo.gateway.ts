import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ECHO_WIRE,
  parseChannel,
  SubscriptionErrorStatus,
  WHISPER_PREFIX,
  type PresenceMember,
} from '@switchboard/contracts';
import { Server, type RemoteSocket, type Socket } from 'socket.io';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REALTIME_FANOUT, type RealtimeFanout } from '../drivers/fanout/realtime-fanout.port';
import { ChannelAuthorizer } from './channel-authorizer.service';
import { sessionTokenForSubscription } from './echo-credentials';
import { DEFAULT_ECHO_LIMITS, type EchoLimits } from './echo-limits';
import { TokenBucket } from './token-bucket';

/** What each socket carries in `socket.data`; other nodes read it through `fetchSockets()`. */
interface EchoSocketData {
  /** The presence member this socket stands for, per presence channel it joined. */
  members?: Record<string, PresenceMember>;
}

type EchoRemoteSocket = RemoteSocket<Record<string, never>, EchoSocketData>;

interface SocketState {
  /** Subscribe/unsubscribe/disconnect run one after another, in arrival order. */
  queue: Promise<void>;
  whispers: TokenBucket;
}

export type DropReason = 'invalid' | 'not_joined' | 'too_large' | 'rate_limited';

/**
 * The laravel-echo Socket.IO server (peer-systems §4): `subscribe`/`unsubscribe`/`client event` in,
 * `(event, channel, data)`, `presence:*` and `subscription_error` out. Private and presence channels
 * are authorized in-process with the rules from `@switchboard/contracts`. The REALTIME_FANOUT
 * adapter makes rooms, broadcasts and presence member lists span every server node.
 */
@Injectable()
export class EchoGateway implements OnModuleInit, BeforeApplicationShutdown {
  readonly server: Server;
  /** Packets dropped by the per-socket limits or validation, by reason. */
  readonly dropped: Record<DropReason, number> = {
    invalid: 0,
    not_joined: 0,
    too_large: 0,
    rate_limited: 0,
  };
  private readonly logger = new Logger('EchoGateway');
  private readonly limits: EchoLimits = DEFAULT_ECHO_LIMITS;
  private readonly pending = new Set<Promise<void>>();
  private attached = false;
  private closed = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authorizer: ChannelAuthorizer,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.server = new Server({
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: this.limits.maxPacketBytes,
      cors: { origin: config.publicUrl, credentials: true },
    });
    fanout.attach(this.server);
    this.server.on('connection', (socket: Socket) => this.onConnection(socket));
  }

  /** Tells every other server node (through the fan-out) that `signal` happened. */
  signalOtherNodes(signal: string): void {
    this.server.of('/').serverSideEmit(signal);
  }

  /** Runs `handler` whenever another server node sends `signal`. */
  onSignalFromOtherNodes(signal: string, handler: () => void): void {
    this.server.of('/').on(signal, handler);
  }

  /** Binds to the app's HTTP server; an application context without HTTP still broadcasts. */
  onModuleInit(): void {
    const httpServer: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (!httpServer) return;
    this.server.attach(httpServer as Parameters<Server['attach']>[0]);
    this.attached = true;
  }

  /**
   * Disconnects this node's sockets (other nodes see them leave presence channels) and stops the
   * engine, but leaves the HTTP server to Nest. The fan-out driver closes after this.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Dropping the connection (no DISCONNECT packet) makes clients reconnect, to another node or
    // to this one after a restart, and Echo subscribes again.
    for (const socket of this.server.of('/').sockets.values()) socket.conn.close();
    await this.idle();
    await this.server.of('/').adapter.close();
    if (this.attached) this.server.engine.close();
  }

  /** Resolves once every packet received so far has been handled (subscriptions, presence). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private onConnection(socket: Socket): void {
    const state: SocketState = {
      queue: Promise.resolve(),
      whispers: new TokenBucket(this.limits.whispersPerSecond, this.limits.whisperBurst),
    };
    const enqueue = (what: string, op: () => Promise<void>): void => {
      const run = state.queue.then(op).catch((error: unknown) => {
        this.logger.warn(`${what} failed on socket ${socket.id}: ${(error as Error).message}`);
      });
      state.queue = run;
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    };
    socket.on(ECHO_WIRE.SUBSCRIBE, (packet: unknown) =>
      enqueue('subscribe', () => this.subscribe(socket, packet)),
    );
    socket.on(ECHO_WIRE.UNSUBSCRIBE, (packet: unknown) =>
      enqueue('unsubscribe', () => this.unsubscribe(socket, packet)),
    );
    socket.on(ECHO_WIRE.CLIENT_EVENT, (packet: unknown) => this.whisper(socket, state, packet));
    socket.on('disconnect', () => enqueue('disconnect', () => this.onDisconnect(socket)));
  }

  private async subscribe(socket: Socket, packet: unknown): Promise<void> {
    const request = readPacket(packet);
    if (!request) return this.drop(socket, 'invalid', 'subscribe without a channel');
    const { channel, auth } = request;
    const parsed = parseChannel(channel);
    if (!parsed) return this.deny(socket, channel, SubscriptionErrorStatus.UNKNOWN_CHANNEL);
    const already = socket.rooms.has(channel);
    if (!already && socket.rooms.size - 1 >= this.limits.maxSubscriptions) {
      return this.deny(socket, channel, SubscriptionErrorStatus.TOO_MANY_SUBSCRIPTIONS);
    }
    if (parsed.kind === 'public') {
      if (!already) await socket.join(channel);
      return;
    }

    let result;
    try {
      result = await this.authorizer.authorize(parsed, sessionTokenForSubscription(socket, auth));
    } catch (error) {
      this.logger.warn(`authorizing ${channel} failed: ${(error as Error).message}`);
      result = { allowed: false as const, status: SubscriptionErrorStatus.SERVER_ERROR };
    }
    if (!socket.connected) return;
    if (!result.allowed) {
      // A repeated subscribe whose login is gone (logged out, removed) loses the channel too.
      if (already) await this.leave(socket, channel);
      return this.deny(socket, channel, result.status);
    }
    if (parsed.kind === 'private' || !result.member) {
      if (!already) await socket.join(channel);
      return;
    }
    await this.joinPresence(socket, channel, result.member, already);
  }

  private async joinPresence(
    socket: Socket,
    channel: string,
    member: PresenceMember,
    already: boolean,
  ): Promise<void> {
    const others = (await this.socketsIn(channel)).filter((s) => s.id !== socket.id);
    if (!socket.connected) return;
    const data = dataOf(socket);
    data.members = { ...data.members, [channel]: member };
    await socket.join(channel);
    const userWasHere = others.some((s) => memberOf(s, channel)?.user_id === member.user_id);
    const members = new Map<number, PresenceMember>();
    for (const other of others) {
      const m = memberOf(other, channel);
      if (m) members.set(m.user_id, m);
    }
    members.set(member.user_id, member);
    socket.emit(ECHO_WIRE.PRESENCE_SUBSCRIBED, channel, [...members.values()]);
    if (!already && !userWasHere) {
      socket.to(channel).emit(ECHO_WIRE.PRESENCE_JOINING, channel, member);
    }
  }

  private async unsubscribe(socket: Socket, packet: unknown): Promise<void> {
    const request = readPacket(packet);
    if (!request) return this.drop(socket, 'invalid', 'unsubscribe without a channel');
    if (socket.rooms.has(request.channel)) await this.leave(socket, request.channel);
  }

  private async leave(socket: Socket, channel: string): Promise<void> {
    await socket.leave(channel);
    const data = dataOf(socket);
    const member = data.members?.[channel];
    if (!member) return;
    delete data.members![channel];
    await this.announceLeaving(channel, member);
  }

  /** Socket.IO has already taken the socket out of its rooms; its presence members remain in data. */
  private async onDisconnect(socket: Socket): Promise<void> {
    const data = dataOf(socket);
    const members = data.members ?? {};
    data.members = {};
    for (const [channel, member] of Object.entries(members)) {
      await this.announceLeaving(channel, member);
    }
  }

  /** `presence:leaving` once the user's last socket (on any node) left the channel. */
  private async announceLeaving(channel: string, member: PresenceMember): Promise<void> {
    const remaining = await this.socketsIn(channel);
    if (remaining.some((s) => memberOf(s, channel)?.user_id === member.user_id)) return;
    this.server.to(channel).emit(ECHO_WIRE.PRESENCE_LEAVING, channel, member);
  }

  /** Every node's sockets in a channel; this node's only when another node does not answer. */
  private async socketsIn(channel: string): Promise<EchoRemoteSocket[]> {
    try {
      return (await this.server.in(channel).fetchSockets()) as EchoRemoteSocket[];
    } catch (error) {
      this.logger.warn(`presence of ${channel} from this node only: ${(error as Error).message}`);
      return (await this.server.local.in(channel).fetchSockets()) as EchoRemoteSocket[];
    }
  }

  /** `client event {channel, event: 'client-*', data}` → the other sockets of a joined private/presence channel. */
  private whisper(socket: Socket, state: SocketState, packet: unknown): void {
    let value = packet;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value) as unknown;
      } catch {
        return this.drop(socket, 'invalid', 'whisper is not JSON');
      }
    }
    if (!value || typeof value !== 'object') return this.drop(socket, 'invalid', 'whisper');
    const { channel, event, data } = value as Record<string, unknown>;
    if (
      typeof channel !== 'string' ||
      typeof event !== 'string' ||
      !event.startsWith(WHISPER_PREFIX) ||
      event.length > 100
    ) {
      return this.drop(socket, 'invalid', 'whisper without channel or client-* event');
    }
    if (!/^(private|presence)-/.test(channel) || !socket.rooms.has(channel)) {
      return this.drop(socket, 'not_joined', `whisper on ${channel.slice(0, 100)}`);
    }
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(data ?? null));
    } catch {
      return this.drop(socket, 'invalid', 'whisper data is not serializable');
    }
    if (size > this.limits.maxWhisperBytes) return this.drop(socket, 'too_large', `${size} bytes`);
    if (!state.whispers.tryTake()) return this.drop(socket, 'rate_limited', 'whisper');
    socket.to(channel).emit(event, channel, data);
  }

  private deny(socket: Socket, channel: string, status: SubscriptionErrorStatus): void {
    this.logger.debug(`subscription to ${channel.slice(0, 200)} denied with ${status}`);
    socket.emit(ECHO_WIRE.SUBSCRIPTION_ERROR, channel, status);
  }

  private drop(socket: Socket, reason: DropReason, detail: string): void {
    this.dropped[reason] += 1;
    this.logger.debug(`dropped a packet from socket ${socket.id} (${reason}): ${detail}`);
  }
}

function readPacket(packet: unknown): { channel: string; auth: unknown } | null {
  if (!packet || typeof packet !== 'object') return null;
  const { channel, auth } = packet as Record<string, unknown>;
  if (typeof channel !== 'string' || channel.length === 0 || channel.length > 200) return null;
  return { channel, auth };
}

function dataOf(socket: Socket): EchoSocketData {
  return socket.data as EchoSocketData;
}

function memberOf(socket: EchoRemoteSocket, channel: string): PresenceMember | undefined {
  return socket.data?.members?.[channel];
}
