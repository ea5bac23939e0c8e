import { systemClock, type Clock } from '../clock';
import { settle } from '../settle';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { defaultDriverLogger, errorMessage, type DriverLogger } from '../driver-logger';
import {
  assertQueueName,
  JOB_DEFAULTS,
  resolveConcurrency,
  resolveJobOptions,
  retryDelayMs,
  type ResolvedJobOptions,
  type RetentionOptions,
} from './job-options';
import {
  UnrecoverableJobError,
  type EnqueueOptions,
  type JobCounts,
  type JobFailure,
  type JobFailureListener,
  type JobHandler,
  type JobQueue,
  type JobSnapshot,
  type JobState,
  type WorkerOptions,
} from './job-queue.port';

export interface InProcessJobQueueOptions extends RetentionOptions {
  logger?: DriverLogger;
  /** Only used to age completed and failed records; delays use real timers. */
  clock?: Clock;
}

interface JobEntry {
  readonly id: string;
  readonly name: string;
  data: unknown;
  readonly options: ResolvedJobOptions;
  state: JobState;
  attemptsMade: number;
  failedReason: string | null;
  finishedAt: number | null;
  timer: NodeJS.Timeout | null;
}

interface Lane {
  readonly name: string;
  readonly handler: JobHandler<unknown>;
  readonly concurrency: number;
  readonly waiting: JobEntry[];
  readonly jobs: Map<string, JobEntry>;
  /** Finished jobs in the order they finished, so ageing them out never scans the whole map. */
  readonly finished: { job: JobEntry; at: number }[];
  active: number;
}

/**
 * The single-machine driver: FIFO per queue, a concurrency limit per queue, timers for delays and
 * backoff. Nothing survives a restart — by design, work is re-derived from the database on boot.
 */
export class InProcessJobQueue implements JobQueue {
  readonly driver = 'in-process' as const;
  private readonly lanes = new Map<string, Lane>();
  private readonly failureListeners = new Set<JobFailureListener>();
  private readonly running = new Set<Promise<void>>();
  private readonly logger: DriverLogger;
  private readonly clock: Clock;
  private readonly completedRetentionMs: number;
  private readonly failedRetentionMs: number;
  private closed = false;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.logger = options.logger ?? defaultDriverLogger('InProcessJobQueue');
    this.clock = options.clock ?? systemClock;
    this.completedRetentionMs = options.completedRetentionMs ?? JOB_DEFAULTS.completedRetentionMs;
    this.failedRetentionMs = options.failedRetentionMs ?? JOB_DEFAULTS.failedRetentionMs;
  }

  register<T>(queue: string, handler: JobHandler<T>, options?: WorkerOptions): void {
    this.assertOpen();
    assertQueueName(queue);
    if (this.lanes.has(queue)) {
      throw new DriverException(
        DriverErrorCode.HANDLER_ALREADY_REGISTERED,
        `Queue "${queue}" already has a handler`,
      );
    }
    this.lanes.set(queue, {
      name: queue,
      handler: handler as JobHandler<unknown>,
      concurrency: resolveConcurrency(options),
      waiting: [],
      jobs: new Map(),
      finished: [],
      active: 0,
    });
  }

  enqueue<T>(queue: string, name: string, data: T, options: EnqueueOptions): Promise<void> {
    return settle(() => {
      this.assertOpen();
      const lane = this.lane(queue);
      const resolved = resolveJobOptions(name, options);
      this.forgetExpired(lane);
      const existing = lane.jobs.get(resolved.jobId);
      if (existing?.state === 'failed') {
        // A failed job runs again, with its original data, when its id is enqueued again.
        existing.attemptsMade = 0;
        existing.failedReason = null;
        existing.finishedAt = null;
        this.makeWaiting(lane, existing);
      } else if (!existing) {
        const entry: JobEntry = {
          id: resolved.jobId,
          name,
          // Same round trip as Redis, so a Date or a class instance behaves the same in both drivers.
          data: JSON.parse(JSON.stringify(data ?? null)) as unknown,
          options: resolved,
          state: 'waiting',
          attemptsMade: 0,
          failedReason: null,
          finishedAt: null,
          timer: null,
        };
        lane.jobs.set(entry.id, entry);
        if (resolved.delayMs > 0) this.delay(lane, entry, resolved.delayMs);
        else this.makeWaiting(lane, entry);
      }
    });
  }

  onFailed(listener: JobFailureListener): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  counts(queue: string): Promise<JobCounts> {
    return settle(() => {
      const lane = this.lane(queue);
      this.forgetExpired(lane);
      const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, failed: 0 };
      for (const job of lane.jobs.values()) {
        if (job.state !== 'completed') counts[job.state] += 1;
      }
      return counts;
    });
  }

  getJob(queue: string, jobId: string): Promise<JobSnapshot | null> {
    return settle(() => {
      const lane = this.lane(queue);
      this.forgetExpired(lane);
      const job = lane.jobs.get(jobId);
      if (!job) return null;
      return {
        id: job.id,
        name: job.name,
        state: job.state,
        attemptsMade: job.attemptsMade,
        failedReason: job.state === 'failed' ? job.failedReason : null,
      };
    });
  }

  registeredQueues(): readonly string[] {
    return [...this.lanes.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    // Delayed and waiting jobs are dropped; their rows are still pending in the database.
    for (const lane of this.lanes.values()) {
      for (const job of lane.jobs.values()) if (job.timer) clearTimeout(job.timer);
      lane.waiting.length = 0;
    }
    await Promise.all([...this.running]);
  }

  private lane(queue: string): Lane {
    const lane = this.lanes.get(queue);
    if (!lane) {
      throw new DriverException(
        DriverErrorCode.UNKNOWN_QUEUE,
        `No handler is registered for queue "${queue}"; register one at boot before enqueueing`,
        { queue },
      );
    }
    return lane;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new DriverException(DriverErrorCode.DRIVER_CLOSED, 'The job queue is closed');
  }

  private delay(lane: Lane, job: JobEntry, ms: number): void {
    job.state = 'delayed';
    job.timer = setTimeout(() => {
      job.timer = null;
      this.makeWaiting(lane, job);
    }, ms);
  }

  private makeWaiting(lane: Lane, job: JobEntry): void {
    if (this.closed) return;
    job.state = 'waiting';
    lane.waiting.push(job);
    // Never start a handler inside enqueue(): like BullMQ, the caller finishes its own step first.
    setImmediate(() => this.pump(lane));
  }

  private pump(lane: Lane): void {
    while (!this.closed && lane.active < lane.concurrency) {
      const job = lane.waiting.shift();
      if (!job) return;
      const run = this.run(lane, job);
      this.running.add(run);
      void run.finally(() => {
        this.running.delete(run);
        lane.active -= 1;
        this.pump(lane);
      });
    }
  }

  private async run(lane: Lane, job: JobEntry): Promise<void> {
    lane.active += 1;
    job.state = 'active';
    try {
      await lane.handler({
        queue: lane.name,
        id: job.id,
        name: job.name,
        data: job.data,
        attempt: job.attemptsMade + 1,
      });
      job.attemptsMade += 1;
      job.state = 'completed';
      this.finish(lane, job);
      job.data = null; // only the id matters from here on
    } catch (error) {
      job.attemptsMade += 1;
      job.failedReason = errorMessage(error);
      const retry =
        !(error instanceof UnrecoverableJobError) && job.attemptsMade < job.options.attempts;
      if (retry && !this.closed) {
        this.delay(lane, job, retryDelayMs(job.options.backoffMs, job.attemptsMade));
      } else if (retry) {
        job.state = 'delayed'; // shutting down: the retry is dropped with the other pending work
      } else {
        job.state = 'failed';
        this.finish(lane, job);
        await this.reportFailure(lane.name, job);
      }
    }
  }

  private async reportFailure(queue: string, job: JobEntry): Promise<void> {
    const failure: JobFailure = {
      queue,
      jobId: job.id,
      name: job.name,
      data: job.data,
      attemptsMade: job.attemptsMade,
      error: job.failedReason ?? 'unknown error',
    };
    this.logger.warn(
      `Job ${queue}/${job.id} (${job.name}) failed after ${job.attemptsMade} attempt(s): ${failure.error}`,
    );
    for (const listener of this.failureListeners) {
      try {
        await listener(failure);
      } catch (error) {
        this.logger.error(`onFailed listener threw for ${queue}/${job.id}: ${errorMessage(error)}`);
      }
    }
  }

  private finish(lane: Lane, job: JobEntry): void {
    job.finishedAt = this.clock();
    lane.finished.push({ job, at: job.finishedAt });
  }

  /** Ages out finished records by the clock, so retention is exact without timers. */
  private forgetExpired(lane: Lane): void {
    const now = this.clock();
    // Completed and failed records have different retentions, so a long-lived failed record at the
    // head must not hold back younger completed ones: scan until both kinds are too young.
    const youngest = Math.min(this.completedRetentionMs, this.failedRetentionMs);
    let index = 0;
    while (index < lane.finished.length) {
      const { job, at } = lane.finished[index]!;
      if (now - at < youngest) break;
      const stale = job.finishedAt !== at || lane.jobs.get(job.id) !== job; // re-run since
      const keep = job.state === 'completed' ? this.completedRetentionMs : this.failedRetentionMs;
      if (stale || now - at >= keep) {
        if (!stale) lane.jobs.delete(job.id);
        lane.finished.splice(index, 1);
      } else {
        index += 1;
      }
    }
  }
}
