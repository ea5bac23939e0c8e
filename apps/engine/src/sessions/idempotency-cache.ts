import { EngineErrorCode } from '@switchboard/contracts';
import { EngineException } from '../common/engine.exception';

interface Entry<T> {
  fingerprint: string;
  result: Promise<T>;
  settledAt: number | null;
}

/**
 * Remembers the outcome of each idempotency key so a repeated send returns the first result
 * instead of sending again; a duplicate that arrives while the first is still running waits for
 * it. Failures are remembered only when `keepFailure` says the attempt may have reached WhatsApp.
 */
export class IdempotencyCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  run(
    key: string,
    fingerprint: string,
    work: () => Promise<T>,
    keepFailure: (error: unknown) => boolean,
  ): Promise<T> {
    const existing = this.entries.get(key);
    if (existing && !this.expired(existing)) {
      if (existing.fingerprint !== fingerprint) {
        return Promise.reject(
          new EngineException(
            EngineErrorCode.IDEMPOTENCY_KEY_REUSED,
            'This idempotency key was already used for a different message',
          ),
        );
      }
      return existing.result;
    }
    this.entries.delete(key);
    const entry: Entry<T> = { fingerprint, result: Promise.resolve().then(work), settledAt: null };
    this.entries.set(key, entry);
    entry.result.then(
      () => (entry.settledAt = Date.now()),
      (error: unknown) => {
        entry.settledAt = Date.now();
        if (!keepFailure(error) && this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evict();
    return entry.result;
  }

  get size(): number {
    return this.entries.size;
  }

  private expired(entry: Entry<T>): boolean {
    return entry.settledAt !== null && Date.now() - entry.settledAt > this.ttlMs;
  }

  /** Drops the oldest settled entries beyond the limit; running ones are never dropped. */
  private evict(): void {
    if (this.entries.size <= this.maxEntries) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) return;
      if (entry.settledAt !== null) this.entries.delete(key);
    }
  }
}
