import { Redis, type RedisOptions } from 'ioredis';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { errorMessage, type DriverLogger } from '../driver-logger';

/**
 * One place that builds ioredis clients, so every driver gets the same options. BullMQ needs
 * `maxRetriesPerRequest: null` (commands wait for a reconnect instead of failing), and it is
 * always handed a constructed client: its own lazy ioredis loading is fragile (stack notes §1).
 */
export function createRedisClient(
  url: string,
  role: string,
  logger: DriverLogger,
  overrides: RedisOptions = {},
): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: `switchboard:${role}`,
    ...overrides,
  });
  // Without a listener ioredis prints "Unhandled error event" on every reconnect attempt.
  let lastError = '';
  client.on('error', (error: unknown) => {
    const message = errorMessage(error);
    if (message !== lastError) logger.warn(`Redis (${role}): ${message}`);
    lastError = message;
  });
  client.on('ready', () => {
    if (lastError) logger.log(`Redis (${role}) is reachable again`);
    lastError = '';
  });
  return client;
}

/** Closes politely when connected, and drops a client that never connected (QUIT would queue). */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection broke while quitting
    }
  }
  client.disconnect();
}

/** Round-trip time of one PING, or an error when Redis does not answer within `timeoutMs`. */
export async function pingRedis(client: Redis, timeoutMs: number): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return Math.round((performance.now() - started) * 100) / 100;
}

/**
 * Checks once, at boot, that REDIS_URL answers, so a wrong URL stops the process with a message
 * instead of leaving every queue and lock waiting forever on reconnects.
 */
export async function assertRedisReachable(url: string, timeoutMs: number): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    connectionName: 'switchboard:probe',
  });
  probe.on('error', () => undefined); // the rejection below carries the reason
  try {
    await probe.connect();
    await pingRedis(probe, timeoutMs);
  } catch (error) {
    throw new DriverException(
      DriverErrorCode.REDIS_UNREACHABLE,
      `REDIS_URL is set but Redis did not answer within ${timeoutMs} ms: ${errorMessage(error)}`,
    );
  } finally {
    await closeRedisClient(probe);
  }
}
