import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { EngineEvent } from '@switchboard/contracts';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { EventSender } from './event-sender';

interface Queued {
  event: EngineEvent;
  order: number;
}

/** A QR or pairing code that was not sent yet is worthless once a newer one exists. */
const SUPERSEDED_BY_NEWER = new Set<EngineEvent['type']>(['session.qr', 'session.pairing_code']);

/**
 * Delivers events to the server in order per session, sessions in parallel. While the server is
 * down an event is retried with exponential backoff up to `maxAttempts`, and everything behind
 * it waits. The queue lives in memory and is bounded by `outboxLimit` (the oldest events are
 * dropped first); events still queued when the process exits are lost.
 */
@Injectable()
export class EventOutboxService implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queued[]>();
  private readonly draining = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  private total = 0;
  private order = 0;
  private closed = false;
  private readonly wakeups = new Set<() => void>();

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly sender: EventSender,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {}

  enqueue(event: EngineEvent): void {
    if (this.closed) return;
    const queue = this.queues.get(event.session_id) ?? [];
    this.queues.set(event.session_id, queue);
    if (SUPERSEDED_BY_NEWER.has(event.type)) {
      // Index 0 may be in flight; only events behind it can be replaced.
      const start = this.draining.has(event.session_id) ? 1 : 0;
      for (let i = queue.length - 1; i >= start; i--) {
        if (queue[i]!.event.type === event.type) {
          queue.splice(i, 1);
          this.total -= 1;
        }
      }
    }
    queue.push({ event, order: ++this.order });
    this.total += 1;
    if (this.total > this.config.callbacks.outboxLimit) this.dropOldest();
    if (!this.draining.has(event.session_id)) void this.drain(event.session_id);
  }

  /** Events waiting or in flight. */
  get pending(): number {
    return this.total;
  }

  /** Resolves when every queued event has been delivered or given up on. */
  idle(): Promise<void> {
    if (this.total === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.total > 0)
      this.logger.warn({ pending: this.total }, 'engine stopping with undelivered events');
    for (const wake of this.wakeups) wake();
  }

  private async drain(sessionId: string): Promise<void> {
    this.draining.add(sessionId);
    const queue = this.queues.get(sessionId)!;
    try {
      while (queue.length > 0 && !this.closed) {
        const head = queue[0]!;
        await this.deliver(head.event);
        if (queue[0] === head) {
          queue.shift();
          this.total -= 1;
        }
      }
    } finally {
      this.draining.delete(sessionId);
      if (queue.length === 0) this.queues.delete(sessionId);
      if (this.total === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async deliver(event: EngineEvent): Promise<void> {
    const { maxAttempts } = this.config.callbacks;
    const log = { session: event.session_id, event_type: event.type, event_id: event.event_id };
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
      const outcome = await this.sender.send(event);
      switch (outcome.kind) {
        case 'delivered':
          if (attempt > 1) this.logger.info({ ...log, attempt }, 'event delivered after retries');
          return;
        case 'rejected':
          this.logger.error({ ...log, detail: outcome.detail }, 'server rejected event; dropped');
          return;
        case 'retry':
          if (attempt < maxAttempts) {
            const waitMs = this.backoff(attempt);
            this.logger.warn(
              { ...log, attempt, detail: outcome.detail, retry_in_ms: waitMs },
              'event delivery failed; will retry',
            );
            await this.pause(waitMs);
          } else {
            this.logger.error(
              { ...log, attempts: attempt, detail: outcome.detail },
              'event delivery gave up; dropped',
            );
          }
      }
    }
  }

  /** Exponential, capped, with jitter so many sessions do not retry in lockstep. */
  private backoff(attempt: number): number {
    const { retryBaseMs, retryMaxMs } = this.config.callbacks;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeups.add(wake);
    });
  }

  private dropOldest(): void {
    let victim: { queue: Queued[]; index: number; order: number } | null = null;
    for (const [sessionId, queue] of this.queues) {
      const index = this.draining.has(sessionId) ? 1 : 0;
      const candidate = queue[index];
      if (candidate && (!victim || candidate.order < victim.order))
        victim = { queue, index, order: candidate.order };
    }
    if (!victim) return;
    const [dropped] = victim.queue.splice(victim.index, 1);
    this.total -= 1;
    this.logger.error(
      { session: dropped!.event.session_id, event_type: dropped!.event.type },
      'outbox full; oldest event dropped',
    );
  }
}
