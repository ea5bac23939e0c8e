import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EVENT_CHANNELS,
  parseChannel,
  type ChannelFor,
  type ChannelKey,
  type RealtimeEventMap,
  type RealtimeEventName,
} from '@switchboard/contracts';
import { BROADCAST_DRIVER, type BroadcastDriverPort } from './drivers/broadcast-driver.port';

export interface BroadcastOptions {
  /** The sender's socket (`X-Socket-Id`, see `@SocketId()`), left out of the broadcast. */
  exceptSocketId?: string | null;
}

/** A broadcast to a channel its event is not declared for: a programming error. */
export class BroadcastChannelError extends Error {}

/**
 * The one way other modules push realtime events: a contract event, its payload and the channels
 * (built with the contracts' channel builders). The active driver delivers it.
 */
@Injectable()
export class BroadcasterService {
  private readonly logger = new Logger('BroadcasterService');

  constructor(@Inject(BROADCAST_DRIVER) private readonly driver: BroadcastDriverPort) {}

  /**
   * Delivery is best effort: a driver failure is logged, never thrown, so a realtime hiccup cannot
   * fail the work that caused the event (browsers re-read state when they reconnect).
   */
  async broadcast<E extends RealtimeEventName>(
    channel: ChannelFor<E> | readonly ChannelFor<E>[],
    event: E,
    payload: RealtimeEventMap[E],
    options: BroadcastOptions = {},
  ): Promise<void> {
    const channels = [...new Set<string>(typeof channel === 'string' ? [channel] : channel)];
    for (const name of channels) assertChannelFor(event, name);
    if (channels.length === 0) return;
    try {
      await this.driver.publish({
        channels,
        event,
        payload,
        exceptSocketId: options.exceptSocketId ?? null,
      });
    } catch (error) {
      this.logger.warn(
        `broadcasting ${event} with ${this.driver.name} failed: ${(error as Error).message}`,
      );
    }
  }
}

function assertChannelFor(event: RealtimeEventName, channel: string): void {
  const parsed = parseChannel(channel);
  const allowed: readonly ChannelKey[] = EVENT_CHANNELS[event];
  if (!parsed || parsed.kind === 'public' || !allowed.includes(parsed.key)) {
    throw new BroadcastChannelError(`${event} may not be broadcast on "${channel}"`);
  }
}
