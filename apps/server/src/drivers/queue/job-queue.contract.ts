// The behaviour every JobQueue driver must have; job-queue.spec.ts runs it against each driver.
import { afterEach, expect, it } from '@jest/globals';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { deferred, waitFor } from '../testing/driver-test-utils';
import type { RetentionOptions } from './job-options';
import {
  UnrecoverableJobError,
  type Job,
  type JobFailure,
  type JobQueue,
  type JobQueueDriver,
} from './job-queue.port';

export interface JobQueueHarness {
  driver: JobQueueDriver;
  create(options?: RetentionOptions): JobQueue;
  /** Removes whatever the created queues left behind (Redis keys). */
  cleanup(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<DriverException> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DriverException);
  return error as DriverException;
}

export function jobQueueContract(harness: JobQueueHarness): void {
  let open: JobQueue[] = [];
  const create = (options?: RetentionOptions): JobQueue => {
    const queue = harness.create(options);
    open.push(queue);
    return queue;
  };

  afterEach(async () => {
    await Promise.all(open.map((queue) => queue.close()));
    open = [];
    await harness.cleanup();
  });

  it('reports which driver it is', () => {
    expect(create().driver).toBe(harness.driver);
  });

  it('runs a job with its name, id and JSON data on the first attempt', async () => {
    const queue = create();
    const seen = deferred<Job<{ to: string; at: string }>>();
    queue.register<{ to: string; at: string }>('sends', (job) => {
      seen.resolve(job);
      return Promise.resolve();
    });
    const at = new Date('2026-01-02T03:04:05.000Z');
    await queue.enqueue('sends', 'send-text', { to: '+15550001', at }, { jobId: 'send-m1' });

    const job = await seen.promise;
    expect(job).toEqual({
      queue: 'sends',
      id: 'send-m1',
      name: 'send-text',
      data: { to: '+15550001', at: at.toISOString() }, // Redis stores JSON, so both drivers do
      attempt: 1,
    });
    await waitFor(async () => (await queue.getJob('sends', 'send-m1'))?.state === 'completed');
  });

  it('runs the jobs of one queue in FIFO order at concurrency 1', async () => {
    const queue = create();
    const order: string[] = [];
    queue.register<{ n: string }>('fifo', (job) => {
      order.push(job.data.n);
      return Promise.resolve();
    });
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      await queue.enqueue('fifo', 'step', { n }, { jobId: `fifo-${n}` });
    }
    await waitFor(() => order.length === 5, 'five jobs');
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('never runs more jobs of a queue at once than its concurrency', async () => {
    const queue = create();
    const release = deferred();
    let running = 0;
    let maxRunning = 0;
    let done = 0;
    queue.register(
      'parallel',
      async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await release.promise;
        running -= 1;
        done += 1;
      },
      { concurrency: 2 },
    );
    for (const id of ['p1', 'p2', 'p3', 'p4'])
      await queue.enqueue('parallel', 'work', {}, { jobId: id });

    await waitFor(() => running === 2, 'two running jobs');
    expect(await queue.counts('parallel')).toEqual({
      waiting: 2,
      active: 2,
      delayed: 0,
      failed: 0,
    });
    release.resolve();
    await waitFor(() => done === 4, 'all four jobs');
    expect(maxRunning).toBe(2);
    expect(await queue.counts('parallel')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
    });
  });

  it('holds a delayed job back until its delay has passed', async () => {
    const queue = create();
    let ranAt = 0;
    queue.register('later', () => {
      ranAt = Date.now();
      return Promise.resolve();
    });
    const enqueuedAt = Date.now();
    await queue.enqueue('later', 'remind', {}, { jobId: 'remind-1', delayMs: 150 });
    expect(await queue.counts('later')).toMatchObject({ delayed: 1, waiting: 0 });

    await waitFor(() => ranAt > 0, 'the delayed job');
    expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(140);
  });

  it('retries a throwing handler with exponential backoff until it succeeds', async () => {
    const queue = create();
    const runs: { attempt: number; at: number }[] = [];
    const failures: JobFailure[] = [];
    queue.onFailed((failure) => void failures.push(failure));
    queue.register('flaky', (job) => {
      runs.push({ attempt: job.attempt, at: Date.now() });
      return job.attempt < 3 ? Promise.reject(new Error('provider timeout')) : Promise.resolve();
    });
    await queue.enqueue('flaky', 'send', {}, { jobId: 'flaky-1', attempts: 3, backoffMs: 40 });

    await waitFor(async () => (await queue.getJob('flaky', 'flaky-1'))?.state === 'completed');
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(35); // 40 ms
    expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(75); // doubled: 80 ms
    expect(failures).toEqual([]);
    expect(await queue.getJob('flaky', 'flaky-1')).toMatchObject({
      attemptsMade: 3,
      failedReason: null,
    });
  });

  it('records a job as failed with its error after the last attempt and reports it once', async () => {
    const queue = create();
    const failures: JobFailure[] = [];
    queue.onFailed((failure) => void failures.push(failure));
    let runs = 0;
    queue.register('doomed', () => {
      runs += 1;
      return Promise.reject(new Error(`number not on WhatsApp (run ${runs})`));
    });
    await queue.enqueue(
      'doomed',
      'send',
      { chatId: 7 },
      { jobId: 'doomed-1', attempts: 2, backoffMs: 5 },
    );

    await waitFor(() => failures.length > 0, 'the failure report');
    expect(failures).toEqual([
      {
        queue: 'doomed',
        jobId: 'doomed-1',
        name: 'send',
        data: { chatId: 7 },
        attemptsMade: 2,
        error: 'number not on WhatsApp (run 2)',
      },
    ]);
    expect(runs).toBe(2);
    expect(await queue.getJob('doomed', 'doomed-1')).toEqual({
      id: 'doomed-1',
      name: 'send',
      state: 'failed',
      attemptsMade: 2,
      failedReason: 'number not on WhatsApp (run 2)',
    });
    expect(await queue.counts('doomed')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
  });

  it('stops retrying when the handler throws UnrecoverableJobError', async () => {
    const queue = create();
    const failures: JobFailure[] = [];
    queue.onFailed((failure) => void failures.push(failure));
    let runs = 0;
    queue.register('hopeless', () => {
      runs += 1;
      return Promise.reject(new UnrecoverableJobError('template rejected by Meta'));
    });
    await queue.enqueue('hopeless', 'send', {}, { jobId: 'hopeless-1', attempts: 5, backoffMs: 5 });

    await waitFor(() => failures.length > 0, 'the failure report');
    expect(runs).toBe(1);
    expect(failures[0]).toMatchObject({ attemptsMade: 1, error: 'template rejected by Meta' });
  });

  it('does not run a job id again while it is waiting, delayed or active', async () => {
    const queue = create();
    const runs: string[] = [];
    const blocker = deferred();
    queue.register('dedupe', async (job) => {
      runs.push(job.id);
      if (job.id === 'block') await blocker.promise;
    });
    await queue.enqueue('dedupe', 'work', {}, { jobId: 'block' });
    await waitFor(() => runs.includes('block'), 'the blocking job');
    await queue.enqueue('dedupe', 'work', {}, { jobId: 'block' }); // active
    await queue.enqueue('dedupe', 'work', { v: 1 }, { jobId: 'queued' });
    await queue.enqueue('dedupe', 'work', { v: 2 }, { jobId: 'queued' }); // waiting
    await queue.enqueue('dedupe', 'work', {}, { jobId: 'later', delayMs: 60_000 });
    await queue.enqueue('dedupe', 'work', {}, { jobId: 'later' }); // delayed: stays delayed
    expect(await queue.counts('dedupe')).toEqual({ waiting: 1, active: 1, delayed: 1, failed: 0 });

    blocker.resolve();
    await queue.enqueue('dedupe', 'work', {}, { jobId: 'marker-job' });
    await waitFor(() => runs.includes('marker-job'), 'the marker job');
    expect(runs).toEqual(['block', 'queued', 'marker-job']);
  });

  it('does not run a completed job id again within the retention window', async () => {
    const queue = create();
    const runs: string[] = [];
    queue.register('once', (job) => {
      runs.push(job.id);
      return Promise.resolve();
    });
    await queue.enqueue('once', 'work', {}, { jobId: 'once-1' });
    await waitFor(async () => (await queue.getJob('once', 'once-1'))?.state === 'completed');

    await queue.enqueue('once', 'work', {}, { jobId: 'once-1' }); // a replay
    await queue.enqueue('once', 'work', {}, { jobId: 'marker-job' });
    await waitFor(() => runs.includes('marker-job'), 'the marker job');
    expect(runs).toEqual(['once-1', 'marker-job']);
  });

  it('runs a failed job again, from its first attempt and original data, when re-enqueued', async () => {
    const queue = create();
    const failures: JobFailure[] = [];
    queue.onFailed((failure) => void failures.push(failure));
    const runs: { attempt: number; data: unknown }[] = [];
    let healthy = false;
    queue.register('retryable', (job) => {
      runs.push({ attempt: job.attempt, data: job.data });
      return healthy ? Promise.resolve() : Promise.reject(new Error('engine offline'));
    });
    await queue.enqueue('retryable', 'send', { v: 'original' }, { jobId: 'r-1', attempts: 1 });
    await waitFor(() => failures.length === 1, 'the failure report');

    healthy = true;
    await queue.enqueue('retryable', 'send', { v: 'ignored' }, { jobId: 'r-1', attempts: 1 });
    await waitFor(async () => (await queue.getJob('retryable', 'r-1'))?.state === 'completed');
    expect(runs).toEqual([
      { attempt: 1, data: { v: 'original' } },
      { attempt: 1, data: { v: 'original' } },
    ]);
    expect(await queue.counts('retryable')).toMatchObject({ failed: 0 });
  });

  it('refuses to enqueue to a queue that has no handler', async () => {
    const queue = create();
    queue.register('known', () => Promise.resolve());
    const error = await rejection(queue.enqueue('unknown', 'work', {}, { jobId: 'x-1' }));
    expect(error.code).toBe(DriverErrorCode.UNKNOWN_QUEUE);
    expect((await rejection(queue.counts('unknown'))).code).toBe(DriverErrorCode.UNKNOWN_QUEUE);
    expect(queue.registeredQueues()).toEqual(['known']);
  });

  it('refuses a second handler for the same queue', () => {
    const queue = create();
    queue.register('single', () => Promise.resolve());
    expect(() => queue.register('single', () => Promise.resolve())).toThrow(
      expect.objectContaining({ code: DriverErrorCode.HANDLER_ALREADY_REGISTERED }),
    );
  });

  it.each([
    ['an empty id', ''],
    ['a bare integer', '42'],
    ['a colon', 'chat:7'],
    ['the name of a BullMQ key', 'marker'],
    ['more than 250 characters', 'x'.repeat(251)],
  ])('refuses a job id with %s, which BullMQ cannot store', async (_why, jobId) => {
    const queue = create();
    queue.register('ids', () => Promise.resolve());
    const error = await rejection(queue.enqueue('ids', 'work', {}, { jobId }));
    expect(error.code).toBe(DriverErrorCode.INVALID_ARGUMENT);
  });

  it('waits for active jobs on close and refuses new work afterwards', async () => {
    const queue = create();
    const events: string[] = [];
    const started = deferred();
    const release = deferred();
    queue.register('graceful', async () => {
      started.resolve();
      await release.promise;
      events.push('job finished');
    });
    await queue.enqueue('graceful', 'work', {}, { jobId: 'g-1' });
    await started.promise;

    const closing = queue.close().then(() => events.push('closed'));
    // One turn of the event loop: a close that did not wait would have finished by now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    release.resolve();
    await closing;
    expect(events).toEqual(['job finished', 'closed']);
    const error = await rejection(queue.enqueue('graceful', 'work', {}, { jobId: 'g-2' }));
    expect(error.code).toBe(DriverErrorCode.DRIVER_CLOSED);
  });
}
