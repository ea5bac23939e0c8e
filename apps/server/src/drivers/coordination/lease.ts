import { systemClock, type Clock } from '../clock';
import { defaultDriverLogger, errorMessage, type DriverLogger } from '../driver-logger';
import type { CoordinationStore } from './coordination-store.port';

export interface LeaseLoss {
  key: string;
  owner: string;
  /**
   * `not-renewed`: the store refused the renewal (it expired, or someone else holds it now).
   * `store-unreachable`: renewals kept failing for a whole TTL, so others may have taken it.
   */
  reason: 'not-renewed' | 'store-unreachable';
  error?: string;
}

export type LeaseLostListener = (loss: LeaseLoss) => void;

export interface LeaseOptions {
  /** Default: a third of the TTL, so two renewals can fail before the lease runs out. */
  heartbeatMs?: number;
  onLost?: LeaseLostListener;
  logger?: DriverLogger;
  clock?: Clock;
}

/**
 * A lease that keeps itself alive: after `acquire` it renews every ttl/3 until `release()`. When a
 * renewal is refused, or the store stays unreachable for a whole TTL, the lease is lost: the
 * heartbeat stops, `onLost` listeners run once and `lost` resolves — the holder must stop the
 * guarded work (e.g. shut the WhatsApp Web client), since another node may now own it.
 */
export class Lease {
  readonly lost: Promise<LeaseLoss>;
  private readonly listeners = new Set<LeaseLostListener>();
  private readonly heartbeatMs: number;
  private readonly logger: DriverLogger;
  private readonly clock: Clock;
  private resolveLost!: (loss: LeaseLoss) => void;
  private timer: NodeJS.Timeout | null = null;
  private held = true;
  private lastRenewedAt: number;

  private constructor(
    private readonly store: CoordinationStore,
    readonly key: string,
    readonly owner: string,
    readonly ttlMs: number,
    options: LeaseOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(ttlMs / 3));
    this.logger = options.logger ?? defaultDriverLogger('Lease');
    this.clock = options.clock ?? systemClock;
    this.lastRenewedAt = this.clock();
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
    if (options.onLost) this.listeners.add(options.onLost);
  }

  /** Null when someone else holds the lease. */
  static async acquire(
    store: CoordinationStore,
    key: string,
    owner: string,
    ttlMs: number,
    options: LeaseOptions = {},
  ): Promise<Lease | null> {
    if (!(await store.acquireLease(key, owner, ttlMs))) return null;
    const lease = new Lease(store, key, owner, ttlMs, options);
    lease.scheduleHeartbeat();
    return lease;
  }

  get isHeld(): boolean {
    return this.held;
  }

  onLost(listener: LeaseLostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the heartbeat and frees the lease (a no-op in the store if it was lost already). */
  async release(): Promise<void> {
    const wasHeld = this.held;
    this.stop();
    if (wasHeld) await this.store.releaseLease(this.key, this.owner);
  }

  private scheduleHeartbeat(): void {
    this.timer = setTimeout(() => void this.heartbeat(), this.heartbeatMs);
    // A forgotten lease must not keep the process alive; the TTL frees it in the store.
    this.timer.unref();
  }

  private async heartbeat(): Promise<void> {
    try {
      const renewed = await this.store.renewLease(this.key, this.owner, this.ttlMs);
      if (!this.held) return;
      if (!renewed) return this.lose({ key: this.key, owner: this.owner, reason: 'not-renewed' });
      this.lastRenewedAt = this.clock();
    } catch (error) {
      if (!this.held) return;
      this.logger.warn(`Lease ${this.key}: renewal failed: ${errorMessage(error)}`);
      if (this.clock() - this.lastRenewedAt >= this.ttlMs) {
        const loss: LeaseLoss = { key: this.key, owner: this.owner, reason: 'store-unreachable' };
        return this.lose({ ...loss, error: errorMessage(error) });
      }
    }
    this.scheduleHeartbeat();
  }

  private lose(loss: LeaseLoss): void {
    this.stop();
    this.logger.warn(`Lease ${loss.key} held by ${loss.owner} was lost (${loss.reason})`);
    for (const listener of this.listeners) {
      try {
        listener(loss);
      } catch (error) {
        this.logger.error(`Lease ${loss.key}: onLost listener threw: ${errorMessage(error)}`);
      }
    }
    this.resolveLost(loss);
  }

  private stop(): void {
    this.held = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
