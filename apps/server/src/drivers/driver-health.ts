import type { HealthCheck } from '@switchboard/contracts';
import type { Redis } from 'ioredis';
import type { CoordinationDriver, CoordinationStore } from './coordination/coordination-store.port';
import { defaultDriverLogger, errorMessage, type DriverLogger } from './driver-logger';
import type { RealtimeFanout, RealtimeFanoutDriver } from './fanout/realtime-fanout.port';
import type { JobQueue, JobQueueDriver } from './queue/job-queue.port';
import { closeRedisClient, createRedisClient, pingRedis } from './redis/redis-client';

export type RedisStatus =
  | { status: 'not-configured' }
  | { status: 'up'; latencyMs: number }
  | { status: 'down'; error: string };

export interface DriversDescription {
  queue: JobQueueDriver;
  coordination: CoordinationDriver;
  fanout: RealtimeFanoutDriver;
  redis: RedisStatus;
}

export interface DriverHealthOptions {
  queue: JobQueue;
  coordination: CoordinationStore;
  fanout: RealtimeFanout;
  redisUrl: string | null;
  /** A health check must answer even when Redis hangs. */
  pingTimeoutMs?: number;
  logger?: DriverLogger;
}

/** Which driver each port runs on, and whether Redis answers — for `/api/health`. */
export class DriverHealth {
  private readonly pingClient: Redis | null;
  private readonly pingTimeoutMs: number;

  constructor(private readonly options: DriverHealthOptions) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 1_000;
    // Its own client without an offline queue: a PING fails at once while Redis is away instead
    // of waiting behind the drivers' reconnects.
    this.pingClient = options.redisUrl
      ? createRedisClient(
          options.redisUrl,
          'health',
          options.logger ?? defaultDriverLogger(DriverHealth.name),
          { enableOfflineQueue: false, maxRetriesPerRequest: 0 },
        )
      : null;
  }

  async describeDrivers(): Promise<DriversDescription> {
    return {
      queue: this.options.queue.driver,
      coordination: this.options.coordination.driver,
      fanout: this.options.fanout.driver,
      redis: await this.pingRedis(),
    };
  }

  /** One HealthCheck per port, plus `redis` when it is configured; a Redis outage downs its users. */
  async check(): Promise<Record<string, HealthCheck>> {
    const drivers = await this.describeDrivers();
    const { redis } = drivers;
    const onRedis = (driver: string): HealthCheck =>
      redis.status === 'down'
        ? { status: 'down', driver, error: redis.error }
        : { status: 'up', driver };
    const checks: Record<string, HealthCheck> = {
      queue:
        drivers.queue === 'bullmq'
          ? onRedis(drivers.queue)
          : { status: 'up', driver: drivers.queue },
      coordination:
        drivers.coordination === 'redis'
          ? onRedis(drivers.coordination)
          : { status: 'up', driver: drivers.coordination },
      fanout:
        drivers.fanout === 'redis'
          ? onRedis(drivers.fanout)
          : { status: 'up', driver: drivers.fanout },
    };
    if (redis.status === 'up')
      checks.redis = { status: 'up', driver: 'redis', latency_ms: redis.latencyMs };
    if (redis.status === 'down')
      checks.redis = { status: 'down', driver: 'redis', error: redis.error };
    return checks;
  }

  close(): Promise<void> {
    return this.pingClient ? closeRedisClient(this.pingClient) : Promise.resolve();
  }

  private async pingRedis(): Promise<RedisStatus> {
    if (!this.pingClient) return { status: 'not-configured' };
    try {
      return { status: 'up', latencyMs: await pingRedis(this.pingClient, this.pingTimeoutMs) };
    } catch (error) {
      return { status: 'down', error: errorMessage(error) };
    }
  }
}
