import { Queue, UnrecoverableError, Worker, type Job as BullJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { defaultDriverLogger, errorMessage, type DriverLogger } from '../driver-logger';
import { closeRedisClient, createRedisClient } from '../redis/redis-client';
import {
  assertQueueName,
  JOB_DEFAULTS,
  resolveConcurrency,
  resolveJobOptions,
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

export interface BullMqJobQueueOptions extends RetentionOptions {
  redisUrl: string;
  /** Redis key prefix of every queue; distinct per deployment (and per test). */
  prefix: string;
  logger?: DriverLogger;
}

interface QueueEntry {
  readonly queue: Queue;
  readonly worker: Worker;
}

const SECOND = 1000;

/** BullMQ's states folded onto the port's five (priorities and flows are not used here). */
function toJobState(state: string): JobState | null {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    case 'delayed':
    case 'active':
    case 'completed':
    case 'failed':
      return state;
    default:
      return null;
  }
}

/**
 * The scaled-out driver: one BullMQ Queue and one Worker per registered queue, all sharing one
 * ioredis connection (each Worker adds its own blocking duplicate). Jobs survive restarts and are
 * shared by every server node that registers the same queue.
 */
export class BullMqJobQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly entries = new Map<string, QueueEntry>();
  private readonly failureListeners = new Set<JobFailureListener>();
  /** Failure reports still running; close() waits for them like for active jobs. */
  private readonly reporting = new Set<Promise<void>>();
  private readonly logger: DriverLogger;
  private readonly prefix: string;
  private readonly removeOnComplete: { age: number };
  private readonly removeOnFail: { age: number };
  private closing: Promise<void> | null = null;

  constructor(options: BullMqJobQueueOptions) {
    this.logger = options.logger ?? defaultDriverLogger('BullMqJobQueue');
    this.prefix = options.prefix;
    // BullMQ ages finished jobs in whole seconds, and only when another job finishes: retention is
    // "at least" this long.
    const completedMs = options.completedRetentionMs ?? JOB_DEFAULTS.completedRetentionMs;
    const failedMs = options.failedRetentionMs ?? JOB_DEFAULTS.failedRetentionMs;
    this.removeOnComplete = { age: Math.max(1, Math.ceil(completedMs / SECOND)) };
    this.removeOnFail = { age: Math.max(1, Math.ceil(failedMs / SECOND)) };
    this.connection = createRedisClient(options.redisUrl, 'queue', this.logger);
  }

  register<T>(queueName: string, handler: JobHandler<T>, options?: WorkerOptions): void {
    this.assertOpen();
    assertQueueName(queueName);
    if (this.entries.has(queueName)) {
      throw new DriverException(
        DriverErrorCode.HANDLER_ALREADY_REGISTERED,
        `Queue "${queueName}" already has a handler`,
      );
    }
    const concurrency = resolveConcurrency(options);
    const queue = new Queue(queueName, { connection: this.connection, prefix: this.prefix });
    const worker = new Worker(
      queueName,
      async (job: BullJob) => {
        try {
          await handler({
            queue: queueName,
            id: job.id ?? '',
            name: job.name,
            data: job.data as T,
            attempt: job.attemptsMade + 1,
          });
        } catch (error) {
          if (error instanceof UnrecoverableJobError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      { connection: this.connection, prefix: this.prefix, concurrency },
    );
    queue.on('error', (error) => this.logger.error(`Queue ${queueName}: ${errorMessage(error)}`));
    worker.on('error', (error) => this.logger.error(`Worker ${queueName}: ${errorMessage(error)}`));
    // BullMQ emits "failed" after every failed attempt; only the last one sets finishedOn.
    worker.on('failed', (job, error) => {
      if (!job?.finishedOn) return;
      const report = this.reportFailure(queueName, job, errorMessage(error));
      this.reporting.add(report);
      void report.finally(() => this.reporting.delete(report));
    });
    this.entries.set(queueName, { queue, worker });
  }

  async enqueue<T>(
    queueName: string,
    name: string,
    data: T,
    options: EnqueueOptions,
  ): Promise<void> {
    this.assertOpen();
    const { queue } = this.entry(queueName);
    const resolved = resolveJobOptions(name, options);
    const jobOptions: JobsOptions = {
      jobId: resolved.jobId,
      attempts: resolved.attempts,
      backoff: { type: 'exponential', delay: resolved.backoffMs },
      removeOnComplete: this.removeOnComplete,
      removeOnFail: this.removeOnFail,
    };
    if (resolved.delayMs > 0) jobOptions.delay = resolved.delayMs;
    // With an existing id, add() keeps the stored job and its data: that is the de-duplication.
    const job = await queue.add(name, data ?? null, jobOptions);
    if ((await queue.getJobState(resolved.jobId)) !== 'failed') return;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Another node retried it first; only a job still failed means the retry really failed.
      if ((await queue.getJobState(resolved.jobId)) === 'failed') throw error;
    }
  }

  onFailed(listener: JobFailureListener): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  async counts(queueName: string): Promise<JobCounts> {
    const { queue } = this.entry(queueName);
    const counts = await queue.getJobCounts(
      'waiting',
      'prioritized',
      'active',
      'delayed',
      'failed',
    );
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async getJob(queueName: string, jobId: string): Promise<JobSnapshot | null> {
    const { queue } = this.entry(queueName);
    const job = await queue.getJob(jobId);
    if (!job) return null;
    const state = toJobState(await job.getState());
    if (!state) return null;
    return {
      id: jobId,
      name: job.name,
      state,
      attemptsMade: job.attemptsMade,
      failedReason: state === 'failed' ? (job.failedReason ?? null) : null,
    };
  }

  registeredQueues(): readonly string[] {
    return [...this.entries.keys()];
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const entries = [...this.entries.values()];
    // Workers first: close() waits for their active jobs, which may still enqueue follow-ups.
    await Promise.all(entries.map(({ worker }) => worker.close()));
    await Promise.all([...this.reporting]);
    await Promise.all(entries.map(({ queue }) => queue.close()));
    // BullMQ does not quit a connection it was handed; it is ours.
    await closeRedisClient(this.connection);
  }

  private entry(queueName: string): QueueEntry {
    const entry = this.entries.get(queueName);
    if (!entry) {
      throw new DriverException(
        DriverErrorCode.UNKNOWN_QUEUE,
        `No handler is registered for queue "${queueName}"; register one at boot before enqueueing`,
        { queue: queueName },
      );
    }
    return entry;
  }

  private assertOpen(): void {
    if (this.closing) {
      throw new DriverException(DriverErrorCode.DRIVER_CLOSED, 'The job queue is closed');
    }
  }

  private async reportFailure(queue: string, job: BullJob, error: string): Promise<void> {
    const failure: JobFailure = {
      queue,
      jobId: job.id ?? '',
      name: job.name,
      data: job.data as unknown,
      attemptsMade: job.attemptsMade,
      error,
    };
    this.logger.warn(
      `Job ${queue}/${failure.jobId} (${job.name}) failed after ${job.attemptsMade} attempt(s): ${error}`,
    );
    for (const listener of this.failureListeners) {
      try {
        await listener(failure);
      } catch (listenerError) {
        this.logger.error(
          `onFailed listener threw for ${queue}/${failure.jobId}: ${errorMessage(listenerError)}`,
        );
      }
    }
  }
}
