/** Injection token of the coordination store (in-process or Redis). */
export const COORDINATION_STORE = Symbol('COORDINATION_STORE');

export type CoordinationDriver = 'in-process' | 'redis';

/**
 * Short-lived shared state with expiry: leases (one owner at a time, e.g. a WhatsApp Web session
 * per engine), one-time claims (replay cache of signed requests' X-Request-Id) and fixed-window
 * counters (login rate limiting). All TTLs are positive whole milliseconds.
 *
 * Use {@link Lease} for a lease that must be kept (it heartbeats), `withLock` for a critical section.
 */
export interface CoordinationStore {
  readonly driver: CoordinationDriver;
  /** True when `owner` now holds `key`: it was free, expired, or already `owner`'s (then extended). */
  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s lease; false once it expired or someone else holds it. */
  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `owner` holds it; true when it did. Never frees someone else's lease. */
  releaseLease(key: string, owner: string): Promise<boolean>;
  leaseHolder(key: string): Promise<string | null>;
  /** True only for the first claim of `key` within `ttlMs`. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Counts one hit in the fixed window that starts at the key's first hit; returns the count so far. */
  countHit(key: string, windowMs: number): Promise<number>;
  close(): Promise<void>;
}
