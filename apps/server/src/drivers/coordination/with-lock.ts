import { randomUUID } from 'node:crypto';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { defaultDriverLogger, errorMessage, type DriverLogger } from '../driver-logger';
import type { CoordinationStore } from './coordination-store.port';
import { Lease } from './lease';

export interface WithLockOptions {
  /** How long to wait for a busy lock before giving up with LOCK_TIMEOUT; 0 tries once. */
  waitMs?: number;
  owner?: string;
  logger?: DriverLogger;
}

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

/**
 * Runs `fn` while holding the lock `key` (a heartbeating lease, so `fn` may outlast `ttlMs`),
 * then releases it. If the lock is lost meanwhile, `signal` aborts with LEASE_LOST: `fn` should
 * stop touching what the lock guards. Waiting polls with jittered, doubling pauses (10-200 ms).
 */
export async function withLock<T>(
  store: CoordinationStore,
  key: string,
  ttlMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
  options: WithLockOptions = {},
): Promise<T> {
  const owner = options.owner ?? `lock-${randomUUID()}`;
  const logger = options.logger ?? defaultDriverLogger('withLock');
  const waitMs = options.waitMs ?? 0;
  const deadline = Date.now() + waitMs;
  const controller = new AbortController();
  const onLost = () =>
    controller.abort(
      new DriverException(DriverErrorCode.LEASE_LOST, `Lock "${key}" was lost while held`, { key }),
    );

  let pause = FIRST_POLL_MS;
  let lease = await Lease.acquire(store, key, owner, ttlMs, { onLost, logger });
  while (!lease) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new DriverException(
        DriverErrorCode.LOCK_TIMEOUT,
        `Lock "${key}" is held elsewhere; gave up after ${waitMs} ms`,
        { key, waitMs },
      );
    }
    // Jitter keeps waiters on several nodes from retrying in lockstep.
    const jittered = pause * (0.5 + Math.random() / 2);
    await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, jittered)));
    pause = Math.min(pause * 2, MAX_POLL_MS);
    lease = await Lease.acquire(store, key, owner, ttlMs, { onLost, logger });
  }

  try {
    return await fn(controller.signal);
  } finally {
    // A failed release must not hide fn's outcome; the TTL frees the lock anyway.
    await lease.release().catch((error: unknown) => {
      logger.warn(
        `Lock "${key}": release failed, it expires in ${ttlMs} ms: ${errorMessage(error)}`,
      );
    });
  }
}
