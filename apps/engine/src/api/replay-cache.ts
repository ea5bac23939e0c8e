import { Injectable } from '@nestjs/common';
import { SIGNATURE_WINDOW_SECONDS } from '@switchboard/contracts/node';

/**
 * Request ids seen recently, in process. An id is kept for longer than a signed request stays
 * valid (twice the timestamp window plus a margin), so a captured request cannot be replayed.
 */
@Injectable()
export class ReplayCache {
  static readonly TTL_MS = (SIGNATURE_WINDOW_SECONDS * 2 + 60) * 1000;
  /** Insertion order is expiry order, because every id lives for the same TTL. */
  private readonly seen = new Map<string, number>();

  /** True the first time `id` is claimed within the TTL, false for a repeat. */
  claim(id: string, now = Date.now()): boolean {
    this.sweep(now);
    if (this.seen.has(id)) return false;
    this.seen.set(id, now + ReplayCache.TTL_MS);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(id);
    }
  }
}
