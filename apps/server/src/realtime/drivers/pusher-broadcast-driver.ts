import Pusher from 'pusher';
import type { BroadcastDriverPort, BroadcastMessage } from './broadcast-driver.port';

/** What the Pusher HTTP API needs; Pusher Channels, Reverb and soketi all speak it. */
export interface PusherConnection {
  appId: string;
  key: string;
  secret: string;
  /** Pusher Channels' cluster (e.g. `mt1`); ignored when `host` is set. */
  cluster: string;
  /** A self-hosted server (Reverb, soketi); empty for Pusher Channels. */
  host: string;
  port: number;
  useTLS: boolean;
}

/** A hung Pusher server must not hold broadcasts (and the work behind them) for long. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Pusher accepts at most 100 channels in one trigger. */
const CHANNELS_PER_TRIGGER = 100;

/**
 * Publishes through the Pusher HTTP events API with the official `pusher` library. Many channels
 * go out in as few requests as the API allows; `exceptSocketId` becomes Pusher's `socket_id`.
 */
export class PusherBroadcastDriver implements BroadcastDriverPort {
  readonly name = 'pusher' as const;
  private readonly client: Pusher;

  constructor(connection: PusherConnection, options: { timeoutMs?: number } = {}) {
    this.client = new Pusher({
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      appId: connection.appId,
      key: connection.key,
      secret: connection.secret,
      useTLS: connection.useTLS,
      ...(connection.host
        ? { host: connection.host, port: String(connection.port) }
        : { cluster: connection.cluster }),
    });
  }

  async publish({ channels, event, payload, exceptSocketId }: BroadcastMessage): Promise<void> {
    const params = exceptSocketId ? { socket_id: exceptSocketId } : undefined;
    for (let start = 0; start < channels.length; start += CHANNELS_PER_TRIGGER) {
      // The library checks `instanceof Array`, which fails for arrays made in another realm (a
      // native driver's rows under a test VM); Array.from always makes one of this realm.
      const batch = Array.from(channels.slice(start, start + CHANNELS_PER_TRIGGER));
      // The library resolves only on a 2xx answer and rejects with the status and body otherwise.
      await this.client.trigger(batch, event, payload, params);
    }
  }

  /** The `{auth, channel_data}` signature a pusher-js client needs to join a private/presence channel. */
  authorizeChannel(
    socketId: string,
    channel: string,
    member?: Pusher.PresenceChannelData,
  ): Pusher.ChannelAuthResponse {
    return this.client.authorizeChannel(socketId, channel, member);
  }
}
