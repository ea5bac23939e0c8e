import type { Redis } from 'ioredis';
import { defaultDriverLogger, type DriverLogger } from '../driver-logger';
import { closeRedisClient, createRedisClient } from '../redis/redis-client';
import { assertKey, assertTtl } from './ttl';
import type { CoordinationStore } from './coordination-store.port';

// Compare-and-set scripts: reading the holder and changing the key must be one atomic step,
// or an owner whose lease just expired could renew or delete its successor's lease.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

// INCR and PEXPIRE in one step: a crash between them would leave a counter that never resets.
const COUNT_HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return hits`;

interface CoordinationCommands {
  sbLeaseAcquire(key: string, owner: string, ttlMs: number): Promise<number>;
  sbLeaseRenew(key: string, owner: string, ttlMs: number): Promise<number>;
  sbLeaseRelease(key: string, owner: string): Promise<number>;
  sbCountHit(key: string, windowMs: number): Promise<number>;
}

export interface RedisCoordinationStoreOptions {
  redisUrl: string;
  /** Prefix of every key this store writes; distinct per deployment (and per test). */
  keyPrefix: string;
  logger?: DriverLogger;
}

/** The scaled-out store: SET NX PX for leases and claims, small Lua scripts for compare-and-set. */
export class RedisCoordinationStore implements CoordinationStore {
  readonly driver = 'redis' as const;
  private readonly redis: Redis & CoordinationCommands;
  private readonly prefix: string;

  constructor(options: RedisCoordinationStoreOptions) {
    const logger = options.logger ?? defaultDriverLogger('RedisCoordinationStore');
    const redis = createRedisClient(options.redisUrl, 'coordination', logger);
    // defineCommand sends EVALSHA and falls back to EVAL when Redis lost its script cache.
    redis.defineCommand('sbLeaseAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('sbLeaseRenew', { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand('sbLeaseRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('sbCountHit', { numberOfKeys: 1, lua: COUNT_HIT });
    this.redis = redis as Redis & CoordinationCommands;
    this.prefix = options.keyPrefix;
  }

  async acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.assertLease(key, owner, ttlMs);
    return (await this.redis.sbLeaseAcquire(this.leaseKey(key), owner, ttlMs)) === 1;
  }

  async renewLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.assertLease(key, owner, ttlMs);
    return (await this.redis.sbLeaseRenew(this.leaseKey(key), owner, ttlMs)) === 1;
  }

  async releaseLease(key: string, owner: string): Promise<boolean> {
    assertKey(key);
    return (await this.redis.sbLeaseRelease(this.leaseKey(key), owner)) === 1;
  }

  leaseHolder(key: string): Promise<string | null> {
    return this.redis.get(this.leaseKey(key));
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    assertKey(key);
    assertTtl(ttlMs);
    return (await this.redis.set(`${this.prefix}once:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async countHit(key: string, windowMs: number): Promise<number> {
    assertKey(key);
    assertTtl(windowMs, 'windowMs');
    return this.redis.sbCountHit(`${this.prefix}hits:${key}`, windowMs);
  }

  close(): Promise<void> {
    return closeRedisClient(this.redis);
  }

  private leaseKey(key: string): string {
    return `${this.prefix}lease:${key}`;
  }

  private assertLease(key: string, owner: string, ttlMs: number): void {
    assertKey(key);
    assertKey(owner, 'owner');
    assertTtl(ttlMs);
  }
}
