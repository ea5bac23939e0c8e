import { systemClock, type Clock } from '../clock';
import { settle } from '../settle';
import { assertKey, assertTtl } from './ttl';
import type { CoordinationStore } from './coordination-store.port';

interface Expiring {
  expiresAt: number;
}

/** Sweep expired entries after this many writes, so memory stays bounded without a timer. */
const SWEEP_EVERY_WRITES = 1_000;

/**
 * The single-machine store: Maps whose entries carry their expiry time. Every read compares with
 * the clock, so expiry is exact even when no timer fires (and tests move the clock instead of
 * sleeping).
 */
export class InProcessCoordinationStore implements CoordinationStore {
  readonly driver = 'in-process' as const;
  private readonly leases = new Map<string, Expiring & { owner: string }>();
  private readonly claims = new Map<string, Expiring>();
  private readonly counters = new Map<string, Expiring & { count: number }>();
  private writes = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return settle(() => {
      this.assertLease(key, owner, ttlMs);
      const current = this.live(this.leases, key);
      if (current && current.owner !== owner) return false;
      this.write(this.leases, key, { owner, expiresAt: this.clock() + ttlMs });
      return true;
    });
  }

  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return settle(() => {
      this.assertLease(key, owner, ttlMs);
      const current = this.live(this.leases, key);
      if (current?.owner !== owner) return false;
      current.expiresAt = this.clock() + ttlMs;
      return true;
    });
  }

  releaseLease(key: string, owner: string): Promise<boolean> {
    return settle(() => {
      if (this.live(this.leases, key)?.owner !== owner) return false;
      return this.leases.delete(key);
    });
  }

  leaseHolder(key: string): Promise<string | null> {
    return settle(() => this.live(this.leases, key)?.owner ?? null);
  }

  claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return settle(() => {
      assertKey(key);
      assertTtl(ttlMs);
      if (this.live(this.claims, key)) return false;
      this.write(this.claims, key, { expiresAt: this.clock() + ttlMs });
      return true;
    });
  }

  countHit(key: string, windowMs: number): Promise<number> {
    return settle(() => {
      assertKey(key);
      assertTtl(windowMs, 'windowMs');
      const current = this.live(this.counters, key);
      if (current) return ++current.count;
      this.write(this.counters, key, { count: 1, expiresAt: this.clock() + windowMs });
      return 1;
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private assertLease(key: string, owner: string, ttlMs: number): void {
    assertKey(key);
    assertKey(owner, 'owner');
    assertTtl(ttlMs);
  }

  private live<T extends Expiring>(map: Map<string, T>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= this.clock()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private write<T extends Expiring>(map: Map<string, T>, key: string, entry: T): void {
    map.set(key, entry);
    if (++this.writes % SWEEP_EVERY_WRITES === 0) this.sweep();
  }

  private sweep(): void {
    const now = this.clock();
    for (const map of [this.leases, this.claims, this.counters] as Map<string, Expiring>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }
}
