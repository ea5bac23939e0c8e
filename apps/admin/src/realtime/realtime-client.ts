import {
  echoChannelName,
  RealtimeEvent,
  userChannel,
  type BroadcastDriver,
  type RealtimeClientConfig,
  type RealtimeEventMap,
  type RealtimeEventName,
} from '@switchboard/contracts';
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { io } from 'socket.io-client';

export type RealtimeState = 'connecting' | 'connected' | 'unavailable';

export interface RealtimeClientOptions {
  /** Where the server is; empty in the SPA, which is served by the server itself. */
  baseUrl: string;
  /** The signed-in user, whose private channel carries driver switches. */
  userId: number;
  /** Extra headers for non-browser clients (a bearer token); browsers send the session cookie. */
  headers?: Record<string, string>;
  onStateChange?: (state: RealtimeState, driver: BroadcastDriver | null) => void;
}

interface Subscription {
  /** A wire name, e.g. `private-workspace.1`. */
  channel: string;
  event: string;
  callback: (payload: never) => void;
}

/** A presence channel's members as Echo reports them (each member's `user_info`). */
export interface PresenceCallbacks<Member> {
  here: (members: Member[]) => void;
  joining: (member: Member) => void;
  leaving: (member: Member) => void;
}

interface Presence {
  /** A wire name, e.g. `presence-workspace.1.agents`. */
  channel: string;
  callbacks: PresenceCallbacks<never>;
}

type AnyEcho = Echo<'socket.io'> | Echo<'pusher'>;

const PRIVATE_PREFIX = 'private-';

/**
 * The browser's one realtime connection. It asks the server which broadcast driver is active,
 * builds laravel-echo for it, and rebuilds itself (keeping every listener) when an admin switches
 * the driver, so no page needs a reload.
 */
export class RealtimeClient {
  private echo: AnyEcho | null = null;
  private activeDriver: BroadcastDriver | null = null;
  private readonly subscriptions = new Set<Subscription>();
  private readonly presences = new Set<Presence>();
  private generation = 0;
  private stopped = false;

  constructor(private readonly options: RealtimeClientOptions) {}

  get driver(): BroadcastDriver | null {
    return this.activeDriver;
  }

  /** The socket id to send as `X-Socket-Id`, so the sender's own page is left out. */
  get socketId(): string | undefined {
    return this.echo?.socketId();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation += 1;
    this.echo?.disconnect();
    this.echo = null;
  }

  /** Listens to one contract event on one private channel; returns the way to stop listening. */
  listen<E extends RealtimeEventName>(
    channel: string,
    event: E,
    callback: (payload: RealtimeEventMap[E]) => void,
  ): () => void {
    const subscription: Subscription = { channel, event, callback };
    this.subscriptions.add(subscription);
    if (this.echo) this.attach(this.echo, subscription);
    return () => {
      this.subscriptions.delete(subscription);
      if (this.echo && ![...this.subscriptions].some((s) => s.channel === channel))
        this.echo.leave(echoName(channel));
    };
  }

  /** Joins a presence channel (kept across rebuilds); returns the way to leave it. */
  join<Member>(channel: string, callbacks: PresenceCallbacks<Member>): () => void {
    const presence: Presence = { channel, callbacks };
    this.presences.add(presence);
    if (this.echo) this.attachPresence(this.echo, presence);
    return () => {
      this.presences.delete(presence);
      this.echo?.leave(echoChannelName(channel));
    };
  }

  /** Tears the connection down and builds it again from the server's current config. */
  async rebuild(): Promise<void> {
    this.echo?.disconnect();
    this.echo = null;
    if (!this.stopped) await this.connect();
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.report('connecting');
    const response = await fetch(`${this.options.baseUrl}/api/realtime/config`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...this.options.headers },
    });
    if (!response.ok) {
      this.report('unavailable');
      throw new Error(`realtime config answered ${response.status}`);
    }
    const config = (await response.json()) as RealtimeClientConfig;
    // A newer rebuild (or stop) started while this one was fetching.
    if (generation !== this.generation) return;
    this.activeDriver = config.driver;
    const echo = this.build(config);
    this.echo = echo;
    echo
      .private(echoName(userChannel(this.options.userId)))
      .listen(`.${RealtimeEvent.DRIVER_CHANGED}`, () => void this.rebuild());
    for (const subscription of this.subscriptions) this.attach(echo, subscription);
    for (const presence of this.presences) this.attachPresence(echo, presence);
  }

  private build(config: RealtimeClientConfig): AnyEcho {
    const headers = { ...this.options.headers };
    if (config.driver === 'socketio') {
      const echo = new Echo({
        broadcaster: 'socket.io',
        host: this.options.baseUrl || undefined,
        client: io,
        path: config.path,
        transports: ['websocket'],
        auth: { headers },
        ...(headers.authorization ? {} : { withCredentials: true }),
        withoutInterceptors: true,
      });
      const socket = echo.connector.socket;
      socket.on('connect', () => this.report('connected'));
      socket.on('disconnect', () => this.report('connecting'));
      socket.io.on('reconnect_failed', () => this.report('unavailable'));
      return echo;
    }
    const tls = config.scheme === 'https';
    const echo = new Echo({
      broadcaster: 'pusher',
      Pusher,
      key: config.key,
      cluster: config.cluster || 'mt1',
      ...(config.host ? { wsHost: config.host, wsPort: config.port, wssPort: config.port } : {}),
      forceTLS: tls,
      enabledTransports: tls ? ['wss'] : ['ws'],
      disableStats: true,
      authEndpoint: `${this.options.baseUrl}${config.auth_endpoint}`,
      auth: { headers },
      withoutInterceptors: true,
    });
    const connection = echo.connector.pusher.connection;
    connection.bind('state_change', ({ current }: { current: string }) => {
      if (current === 'connected') this.report('connected');
      else if (current === 'unavailable' || current === 'failed') this.report('unavailable');
      else this.report('connecting');
    });
    return echo;
  }

  private attach(echo: AnyEcho, { channel, event, callback }: Subscription): void {
    echo.private(echoName(channel)).listen(`.${event}`, callback);
  }

  private attachPresence(echo: AnyEcho, { channel, callbacks }: Presence): void {
    echo
      .join(echoChannelName(channel))
      .here(callbacks.here)
      .joining(callbacks.joining)
      .leaving(callbacks.leaving);
  }

  private report(state: RealtimeState): void {
    this.options.onStateChange?.(state, this.activeDriver);
  }
}

/** Echo adds the `private-` prefix itself. */
function echoName(channel: string): string {
  return channel.startsWith(PRIVATE_PREFIX) ? channel.slice(PRIVATE_PREFIX.length) : channel;
}
