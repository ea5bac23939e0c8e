/** Injection token of the job queue driver (in-process or BullMQ). */
export const JOB_QUEUE = Symbol('JOB_QUEUE');

export type JobQueueDriver = 'in-process' | 'bullmq';

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

/** One run of a job, as its handler sees it. `data` went through JSON, as it does in Redis. */
export interface Job<T = unknown> {
  readonly queue: string;
  readonly id: string;
  readonly name: string;
  readonly data: T;
  /** 1 on the first run, 2 on the first retry, and so on. */
  readonly attempt: number;
}

export type JobHandler<T = unknown> = (job: Job<T>) => Promise<void>;

export interface WorkerOptions {
  /** How many jobs of this queue run at once in this process. */
  concurrency: number;
}

export interface EnqueueOptions {
  /**
   * Deterministic id derived from the work itself (e.g. `send-<messageId>`), so a retry, a
   * replayed request or boot-time recovery cannot run the same work twice. No `:`, not a bare
   * integer (BullMQ's rules, enforced by both drivers).
   */
  jobId: string;
  delayMs?: number;
  /** Total runs including the first; default {@link JOB_DEFAULTS}.attempts. */
  attempts?: number;
  /** First retry delay; doubles on every further retry (exponential, as BullMQ computes it). */
  backoffMs?: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Reported once per job, after its last attempt failed. */
export interface JobFailure {
  queue: string;
  jobId: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  error: string;
}

export type JobFailureListener = (failure: JobFailure) => void | Promise<void>;

export interface JobSnapshot {
  id: string;
  name: string;
  state: JobState;
  attemptsMade: number;
  failedReason: string | null;
}

/**
 * Dispatches work that is already recorded in the database (the source of truth); a lost job is
 * re-derived from the database on boot (see WorkRecovery), so the queue itself may lose work.
 *
 * - Handlers are registered per queue at boot; enqueueing to a queue without one throws
 *   `UNKNOWN_QUEUE` instead of silently storing jobs nobody runs.
 * - The same `jobId` is ignored while that job is waiting, delayed or active, and for
 *   `completedRetentionMs` after it completed. A job that failed for good runs again when
 *   enqueued again (with its original data): that is how a user-triggered retry works.
 * - A handler that throws is retried up to `attempts` with exponential backoff; then the job is
 *   kept as failed with its error, and `onFailed` listeners hear about it once.
 *   Throw {@link UnrecoverableJobError} to skip the remaining attempts.
 */
export interface JobQueue {
  readonly driver: JobQueueDriver;
  register<T>(queue: string, handler: JobHandler<T>, options?: WorkerOptions): void;
  enqueue<T>(queue: string, name: string, data: T, options: EnqueueOptions): Promise<void>;
  /** Returns a function that removes the listener. */
  onFailed(listener: JobFailureListener): () => void;
  counts(queue: string): Promise<JobCounts>;
  getJob(queue: string, jobId: string): Promise<JobSnapshot | null>;
  registeredQueues(): readonly string[];
  /** Stops taking jobs and waits for the active ones to finish. */
  close(): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (e.g. the provider rejected the number). */
export class UnrecoverableJobError extends Error {
  override readonly name = 'UnrecoverableJobError';
}
