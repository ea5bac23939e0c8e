import type { LeaseAnswer } from '@switchboard/contracts';

/** `taken`: the server gave the session to another engine. `server_unreachable`: no renewal for a whole TTL. */
export type LeaseLossReason = 'taken' | 'server_unreachable';

export type LeaseLossListener = (sessionId: string, reason: LeaseLossReason) => void;

/** The part of the server link the leases use. */
export interface LeaseAuthority {
  acquireLeases(sessionIds: string[], ttlMs: number): Promise<LeaseAnswer>;
  renewLeases(sessionIds: string[], ttlMs: number): Promise<LeaseAnswer>;
  releaseLeases(sessionIds: string[]): Promise<void>;
}

export interface SessionLeasesOptions {
  ttlMs: number;
  /** Default: a third of the TTL, so two renewals can fail before a lease runs out. */
  heartbeatMs?: number;
  now?: () => number;
  onRenewalFailed?: (error: unknown) => void;
}

/**
 * This engine's leases on its sessions, held at the server (the one lease authority). One
 * heartbeat renews them all. A lease the server gives to someone else is lost at once; when the
 * server cannot be reached for a whole TTL every lease is given up, because another engine may
 * already hold them — the engine must stop those sessions so none runs twice.
 */
export class SessionLeases {
  private readonly held = new Set<string>();
  private readonly listeners = new Set<LeaseLossListener>();
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private lastRenewedAt: number;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly authority: LeaseAuthority,
    private readonly options: SessionLeasesOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
    this.now = options.now ?? Date.now;
    this.lastRenewedAt = this.now();
  }

  get sessionIds(): string[] {
    return [...this.held];
  }

  holds(sessionId: string): boolean {
    return this.held.has(sessionId);
  }

  onLost(listener: LeaseLossListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when this engine now holds the session; false when another engine does. */
  async acquire(sessionId: string): Promise<boolean> {
    if (this.held.has(sessionId)) return true;
    const answer = await this.authority.acquireLeases([sessionId], this.options.ttlMs);
    if (!answer.held.includes(sessionId)) return false;
    if (this.held.size === 0) this.lastRenewedAt = this.now();
    this.held.add(sessionId);
    this.schedule();
    return true;
  }

  /** Gives the session back so another engine may take it at once. */
  async release(sessionId: string): Promise<void> {
    if (!this.held.delete(sessionId)) return;
    await this.authority.releaseLeases([sessionId]);
  }

  /** Runs one heartbeat now (the timer calls it every `heartbeatMs`). */
  heartbeat(): Promise<void> {
    this.beating ??= this.renew().finally(() => {
      this.beating = null;
    });
    return this.beating;
  }

  /** Stops renewing; the leases run out on their own (or are released by the caller). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async renew(): Promise<void> {
    const ids = [...this.held];
    if (ids.length === 0) return;
    try {
      const answer = await this.authority.renewLeases(ids, this.options.ttlMs);
      this.lastRenewedAt = this.now();
      for (const id of answer.refused) this.lose(id, 'taken');
    } catch (error) {
      this.options.onRenewalFailed?.(error);
      if (this.now() - this.lastRenewedAt >= this.options.ttlMs)
        for (const id of [...this.held]) this.lose(id, 'server_unreachable');
    }
  }

  private lose(sessionId: string, reason: LeaseLossReason): void {
    if (!this.held.delete(sessionId)) return;
    for (const listener of this.listeners) listener(sessionId, reason);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.heartbeat().finally(() => {
        if (this.held.size > 0) this.schedule();
      });
    }, this.heartbeatMs);
    this.timer.unref();
  }
}
