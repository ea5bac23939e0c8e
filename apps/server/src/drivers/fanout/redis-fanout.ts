import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { defaultDriverLogger, type DriverLogger } from '../driver-logger';
import { closeRedisClient, createRedisClient } from '../redis/redis-client';
import type { RealtimeFanout } from './realtime-fanout.port';

export interface RedisFanoutOptions {
  redisUrl: string;
  /** Pub/sub channel prefix; every node of one deployment must use the same one. */
  channelPrefix: string;
  logger?: DriverLogger;
}

/** The scaled-out driver: @socket.io/redis-adapter over one publishing and one subscribed client. */
export class RedisFanout implements RealtimeFanout {
  readonly driver = 'redis' as const;
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(private readonly options: RedisFanoutOptions) {
    const logger = options.logger ?? defaultDriverLogger('RedisFanout');
    this.pub = createRedisClient(options.redisUrl, 'fanout-pub', logger);
    // A subscribed connection cannot run other commands, hence the second client. Its ready check
    // (INFO) would fail once the adapter's SUBSCRIBE went first, and ioredis would then reconnect
    // without the subscription: this node would never hear the others. So it gets none.
    this.sub = createRedisClient(options.redisUrl, 'fanout-sub', logger, {
      enableReadyCheck: false,
    });
  }

  attach(io: Server): void {
    io.adapter(
      createAdapter(this.pub, this.sub, {
        key: this.options.channelPrefix,
        // Answers go to the asking node only, not to every node (the 8.x default is false).
        publishOnSpecificResponseChannel: true,
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all([closeRedisClient(this.pub), closeRedisClient(this.sub)]);
  }
}
