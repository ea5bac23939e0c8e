import { DriverErrorCode, DriverException } from '../driver.exception';
import type { EnqueueOptions, WorkerOptions } from './job-queue.port';

/** The one table of job defaults, shared by both drivers so they behave alike. */
export const JOB_DEFAULTS = {
  attempts: 3,
  backoffMs: 1_000,
  concurrency: 1,
  /** How long a completed job id keeps blocking a second run of the same id. */
  completedRetentionMs: 24 * 60 * 60 * 1000,
  /** How long a failed job stays inspectable (getJob, counts). */
  failedRetentionMs: 7 * 24 * 60 * 60 * 1000,
} as const;

export interface RetentionOptions {
  completedRetentionMs?: number;
  failedRetentionMs?: number;
}

export interface ResolvedJobOptions {
  jobId: string;
  delayMs: number;
  attempts: number;
  backoffMs: number;
}

/**
 * BullMQ stores job `x` at `<prefix>:<queue>:x`, next to its own keys with these names, so a job
 * id equal to one of them corrupts the queue (WRONGTYPE errors). List from BullMQ 6.7 QueueKeys.
 */
const RESERVED_JOB_IDS = new Set([
  'active',
  'wait',
  'waiting-children',
  'paused',
  'id',
  'delayed',
  'prioritized',
  'stalled-check',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'limiter',
  'meta',
  'events',
  'pc',
  'marker',
  'de',
]);

const QUEUE_NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

function invalid(message: string, details?: Record<string, unknown>): DriverException {
  return new DriverException(DriverErrorCode.INVALID_ARGUMENT, message, details);
}

export function assertQueueName(queue: string): void {
  if (!QUEUE_NAME.test(queue)) {
    throw invalid(`Queue name "${queue}" must be 1-100 letters, digits, "_", "-" or "."`);
  }
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw invalid(`${what} must be a non-negative integer`);
  return value;
}

/** Validates with BullMQ's id rules in both drivers, so a job id that works locally works on Redis. */
export function resolveJobOptions(name: string, options: EnqueueOptions): ResolvedJobOptions {
  if (typeof name !== 'string' || name.length === 0) throw invalid('Job name must not be empty');
  const { jobId } = options;
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > 250) {
    throw invalid('jobId must be a non-empty string of at most 250 characters');
  }
  if (jobId.includes(':')) throw invalid(`jobId "${jobId}" must not contain ":"`, { jobId });
  if (RESERVED_JOB_IDS.has(jobId)) {
    throw invalid(`jobId "${jobId}" is a name BullMQ uses for its own keys`, { jobId });
  }
  if (`${parseInt(jobId, 10)}` === jobId) {
    throw invalid(`jobId "${jobId}" must not be a bare integer`, { jobId });
  }
  const attempts = nonNegativeInteger(options.attempts ?? JOB_DEFAULTS.attempts, 'attempts');
  if (attempts < 1) throw invalid('attempts must be at least 1');
  return {
    jobId,
    delayMs: nonNegativeInteger(options.delayMs ?? 0, 'delayMs'),
    attempts,
    backoffMs: nonNegativeInteger(options.backoffMs ?? JOB_DEFAULTS.backoffMs, 'backoffMs'),
  };
}

export function resolveConcurrency(options: WorkerOptions | undefined): number {
  const concurrency = options?.concurrency ?? JOB_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalid('concurrency must be a positive integer');
  }
  return concurrency;
}

/** Delay before the next run after `attemptsMade` failed runs: BullMQ's exponential formula. */
export function retryDelayMs(backoffMs: number, attemptsMade: number): number {
  return Math.round(Math.pow(2, attemptsMade - 1) * backoffMs);
}
