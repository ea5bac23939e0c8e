import {
  Global,
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { COORDINATION_STORE, type CoordinationStore } from './coordination/coordination-store.port';
import { InProcessCoordinationStore } from './coordination/in-process-coordination-store';
import { RedisCoordinationStore } from './coordination/redis-coordination-store';
import { DriverHealth } from './driver-health';
import { InMemoryFanout } from './fanout/in-memory-fanout';
import { REALTIME_FANOUT, type RealtimeFanout } from './fanout/realtime-fanout.port';
import { RedisFanout } from './fanout/redis-fanout';
import { BullMqJobQueue } from './queue/bullmq-job-queue';
import { InProcessJobQueue } from './queue/in-process-job-queue';
import { JOB_QUEUE, type JobQueue } from './queue/job-queue.port';
import { WorkRecovery } from './queue/work-recovery';
import { assertRedisReachable } from './redis/redis-client';

export interface DriversModuleOptions {
  /** Redis drivers when set; in-process ones (single machine, no Redis) when null. */
  redisUrl: string | null;
  /** Namespace of this deployment's Redis keys and channels (queues, locks, fan-out). */
  queuePrefix?: string;
  /** How long boot waits for Redis to answer before failing. */
  redisConnectTimeoutMs?: number;
}

const OPTIONS = Symbol('DRIVERS_OPTIONS');
/** Resolved only after Redis answered, so no driver is built (and leaks) against a wrong URL. */
const REDIS_CHECKED = Symbol('DRIVERS_REDIS_CHECKED');

interface ResolvedOptions {
  redisUrl: string | null;
  prefix: string;
}

/**
 * Provides the three driver ports (JOB_QUEUE, COORDINATION_STORE, REALTIME_FANOUT) plus
 * DriverHealth and WorkRecovery to the whole app, and closes the drivers on shutdown.
 */
@Global()
@Module({})
export class DriversModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(COORDINATION_STORE) private readonly coordination: CoordinationStore,
    @Inject(REALTIME_FANOUT) private readonly fanout: RealtimeFanout,
    private readonly health: DriverHealth,
  ) {}

  static forRoot(options: DriversModuleOptions): DynamicModule {
    const resolved: ResolvedOptions = {
      redisUrl: options.redisUrl,
      prefix: options.queuePrefix ?? 'switchboard',
    };
    const timeoutMs = options.redisConnectTimeoutMs ?? 5_000;
    return {
      module: DriversModule,
      global: true,
      providers: [
        { provide: OPTIONS, useValue: resolved },
        {
          provide: REDIS_CHECKED,
          useFactory: async () => {
            if (resolved.redisUrl) await assertRedisReachable(resolved.redisUrl, timeoutMs);
            return true;
          },
        },
        {
          provide: JOB_QUEUE,
          inject: [OPTIONS, REDIS_CHECKED],
          useFactory: ({ redisUrl, prefix }: ResolvedOptions): JobQueue =>
            redisUrl ? new BullMqJobQueue({ redisUrl, prefix }) : new InProcessJobQueue(),
        },
        {
          provide: COORDINATION_STORE,
          inject: [OPTIONS, REDIS_CHECKED],
          useFactory: ({ redisUrl, prefix }: ResolvedOptions): CoordinationStore =>
            redisUrl
              ? new RedisCoordinationStore({ redisUrl, keyPrefix: `${prefix}:coord:` })
              : new InProcessCoordinationStore(),
        },
        {
          provide: REALTIME_FANOUT,
          inject: [OPTIONS, REDIS_CHECKED],
          useFactory: ({ redisUrl, prefix }: ResolvedOptions): RealtimeFanout =>
            redisUrl
              ? new RedisFanout({ redisUrl, channelPrefix: `${prefix}:socket.io` })
              : new InMemoryFanout(),
        },
        {
          provide: DriverHealth,
          inject: [OPTIONS, JOB_QUEUE, COORDINATION_STORE, REALTIME_FANOUT],
          useFactory: (
            { redisUrl }: ResolvedOptions,
            queue: JobQueue,
            coordination: CoordinationStore,
            fanout: RealtimeFanout,
          ) => new DriverHealth({ queue, coordination, fanout, redisUrl }),
        },
        WorkRecovery,
      ],
      exports: [JOB_QUEUE, COORDINATION_STORE, REALTIME_FANOUT, DriverHealth, WorkRecovery],
    };
  }

  /**
   * The queue stops first, before Nest closes the HTTP server and other modules close the database:
   * active jobs still need both to finish.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  /** Socket.io servers are closed by now (Nest disposes them before this hook), so is the queue. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close(); // idempotent; covers a shutdown that skipped the hook above
    await Promise.all([this.fanout.close(), this.coordination.close(), this.health.close()]);
  }
}
