// Helpers for the driver specs and contract suites; never imported by application code.
import { waitFor } from '@switchboard/testing';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DriverLogger } from '../driver-logger';

/** Set in CI (and by hand) to run every contract suite against Redis as well. */
export const TEST_REDIS_URL: string | null = process.env.TEST_REDIS_URL || null;

export function uniqueName(label: string): string {
  return `sbt-${label}-${randomBytes(4).toString('hex')}`;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface RecordingLogger extends DriverLogger {
  readonly lines: string[];
}

/** Keeps expected warnings (failed jobs, lost leases) out of the test output, and lets tests read them. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    log: (message) => lines.push(`log: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}

/** Deletes every key under a test's random prefix, so runs leave the shared Redis clean. */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}
export { waitFor };
