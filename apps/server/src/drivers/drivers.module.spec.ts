import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { COORDINATION_STORE, type CoordinationStore } from './coordination/coordination-store.port';
import { InProcessCoordinationStore } from './coordination/in-process-coordination-store';
import { DriverErrorCode } from './driver.exception';
import { DriverHealth } from './driver-health';
import { DriversModule, type DriversModuleOptions } from './drivers.module';
import { InMemoryFanout } from './fanout/in-memory-fanout';
import { REALTIME_FANOUT, type RealtimeFanout } from './fanout/realtime-fanout.port';
import { JOB_QUEUE, type JobQueue } from './queue/job-queue.port';
import { WorkRecovery } from './queue/work-recovery';
import {
  deleteRedisKeys,
  recordingLogger,
  TEST_REDIS_URL,
  uniqueName,
  waitFor,
} from './testing/driver-test-utils';

/** Rows that "survived the restart" in the database, read by the feature's recovery hook. */
const pendingRows = new Set<number>();
const sentRows: number[] = [];

/** A feature module as the real ones will be: handler and recovery hook registered on init. */
@Injectable()
class OutboundSends implements OnModuleInit {
  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly recovery: WorkRecovery,
  ) {}

  onModuleInit(): void {
    this.queue.register<{ rowId: number }>('sends', (job) => {
      sentRows.push(job.data.rowId);
      pendingRows.delete(job.data.rowId);
      return Promise.resolve();
    });
    this.recovery.register({
      name: 'outbound-sends',
      recover: async () => {
        const rows = [...pendingRows];
        for (const rowId of rows) {
          await this.queue.enqueue('sends', 'send', { rowId }, { jobId: `send-${rowId}` });
        }
        return rows.length;
      },
    });
  }
}

@Module({ providers: [OutboundSends] })
class OutboundModule {}

async function boot(options: DriversModuleOptions): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [DriversModule.forRoot(options), OutboundModule],
  })
    .setLogger(recordingLogger())
    .compile();
  return moduleRef.init();
}

describe('DriversModule', () => {
  beforeEach(() => {
    pendingRows.clear();
    sentRows.length = 0;
  });

  it('uses the local drivers without Redis, reports them healthy and closes them on shutdown', async () => {
    const moduleRef = await boot({ redisUrl: null });
    const queue = moduleRef.get<JobQueue>(JOB_QUEUE);
    expect(queue.driver).toBe('in-process');
    expect(moduleRef.get<CoordinationStore>(COORDINATION_STORE).driver).toBe('in-process');
    expect(moduleRef.get<RealtimeFanout>(REALTIME_FANOUT).driver).toBe('in-memory');

    const health = moduleRef.get(DriverHealth);
    expect(await health.describeDrivers()).toEqual({
      queue: 'in-process',
      coordination: 'in-process',
      fanout: 'in-memory',
      redis: { status: 'not-configured' },
    });
    expect(await health.check()).toEqual({
      queue: { status: 'up', driver: 'in-process' },
      coordination: { status: 'up', driver: 'in-process' },
      fanout: { status: 'up', driver: 'in-memory' },
    });

    await moduleRef.close();
    await expect(queue.enqueue('sends', 'send', {}, { jobId: 'send-1' })).rejects.toMatchObject({
      code: DriverErrorCode.DRIVER_CLOSED,
    });
  });

  it('runs the recovery hooks at bootstrap, once every handler is registered', async () => {
    pendingRows.add(11).add(12);
    const moduleRef = await boot({ redisUrl: null });
    await waitFor(() => pendingRows.size === 0, 'the recovered rows to be sent');
    expect(sentRows.sort()).toEqual([11, 12]);
    await moduleRef.close();
  });

  it('stops the boot with REDIS_UNREACHABLE when REDIS_URL does not answer', async () => {
    await expect(
      boot({ redisUrl: 'redis://127.0.0.1:1', redisConnectTimeoutMs: 500 }),
    ).rejects.toMatchObject({ code: DriverErrorCode.REDIS_UNREACHABLE });
  });

  (TEST_REDIS_URL ? it : it.skip)('uses the Redis drivers when REDIS_URL is set', async () => {
    const queuePrefix = uniqueName('module');
    pendingRows.add(21);
    const moduleRef = await boot({ redisUrl: TEST_REDIS_URL, queuePrefix });
    try {
      expect(moduleRef.get<JobQueue>(JOB_QUEUE).driver).toBe('bullmq');
      expect(moduleRef.get<CoordinationStore>(COORDINATION_STORE).driver).toBe('redis');
      expect(moduleRef.get<RealtimeFanout>(REALTIME_FANOUT).driver).toBe('redis');
      await waitFor(() => sentRows.includes(21), 'the recovered row to be sent through BullMQ');

      const checks = await moduleRef.get(DriverHealth).check();
      expect(checks).toMatchObject({
        queue: { status: 'up', driver: 'bullmq' },
        coordination: { status: 'up', driver: 'redis' },
        fanout: { status: 'up', driver: 'redis' },
        redis: { status: 'up', driver: 'redis' },
      });
      expect(checks.redis?.latency_ms).toEqual(expect.any(Number));
    } finally {
      await moduleRef.close();
      await deleteRedisKeys(TEST_REDIS_URL!, `${queuePrefix}:*`);
    }
  });
});

describe('DriverHealth', () => {
  it('reports Redis and every port on it as down when Redis does not answer', async () => {
    const health = new DriverHealth({
      queue: { driver: 'bullmq' } as JobQueue,
      coordination: new InProcessCoordinationStore(),
      fanout: new InMemoryFanout(),
      redisUrl: 'redis://127.0.0.1:1',
      pingTimeoutMs: 300,
      logger: recordingLogger(),
    });
    try {
      const checks = await health.check();
      expect(checks.redis).toEqual({ status: 'down', driver: 'redis', error: expect.any(String) });
      expect(checks.queue).toMatchObject({ status: 'down', driver: 'bullmq' });
      expect(checks.coordination).toEqual({ status: 'up', driver: 'in-process' });
    } finally {
      await health.close();
    }
  });
});
