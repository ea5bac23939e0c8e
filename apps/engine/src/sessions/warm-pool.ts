import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WhatsAppClient, WhatsAppClientFactory } from '../whatsapp/whatsapp-client.port';
import type { StartGate } from './start-gate';

/** A pooled start that shows no QR in this long is given up (and another one tried). */
const WARM_START_TIMEOUT_MS = 120_000;
/** After a failed pooled start the next waits this long, doubling up to the cap. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** A started client waiting at its QR, handed to a session by `take()`. */
export interface WarmClient {
  readonly poolId: string;
  readonly client: WhatsAppClient;
  /** Chromium or the page died after `take()`, before the session took the client over. */
  readonly lost: boolean;
  /** Stops watching the client for the pool; returns the QR it shows now and since when. */
  handOver(): { qr: string; shownAt: number };
}

export interface WarmPoolDeps {
  size: number;
  factory: WhatsAppClientFactory;
  /** Pooled starts queue here like any other, and only start when no other start waits. */
  startGate: StartGate;
  logger: Logger;
  destroyTimeoutMs: number;
  /** Whether the engine has room for one more client (the pool counts toward the cap). */
  hasRoom: () => boolean;
}

class Entry implements WarmClient {
  qr: string | null = null;
  shownAt = 0;
  lost = false;
  handedOver = false;
  onHandOver: (() => void) | null = null;

  constructor(
    readonly poolId: string,
    readonly client: WhatsAppClient,
  ) {}

  handOver(): { qr: string; shownAt: number } {
    this.handedOver = true;
    this.onHandOver?.();
    return { qr: this.qr ?? '', shownAt: this.shownAt };
  }
}

/**
 * Keeps `size` clients started (Chromium up, WhatsApp Web loaded, the library injected) and
 * waiting at their first QR, so a new session's QR shows at once instead of after a cold start.
 * Refills one client at a time, only while no session start is running or waiting, so it never
 * delays real work. A pooled client that dies is replaced; none survives `shutdown()`.
 */
export class WarmPool {
  private readonly ready: Entry[] = [];
  /** The one client being started for the pool, if any. */
  private filling: Entry | null = null;
  /** Taken and not yet handed over: still a client of the pool's for the cap. */
  private readonly taken = new Set<Entry>();
  private refilling = false;
  private enabled = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: WarmPoolDeps) {}

  /** Clients waiting at their QR, and being started for the pool. */
  get counts(): { ready: number; starting: number; size: number } {
    return { ready: this.ready.length, starting: this.filling ? 1 : 0, size: this.deps.size };
  }

  /** Every client the pool holds (each has a Chromium). */
  get held(): number {
    return this.ready.length + (this.filling ? 1 : 0) + this.taken.size;
  }

  /** Starts filling (at boot, after the engine's own sessions were handed to the start gate). */
  enable(): void {
    if (this.closed || this.deps.size === 0) return;
    this.enabled = true;
    this.refill();
  }

  /** A waiting client for a new session, or null; the pool starts a replacement when it can. */
  take(): WarmClient | null {
    const entry = this.ready.shift() ?? null;
    if (entry) {
      this.taken.add(entry);
      entry.onHandOver = () => {
        this.taken.delete(entry);
        this.refill();
      };
    }
    this.refill();
    return entry;
  }

  /** Closes pooled clients until the pool holds at most `max`, to make room for sessions. */
  async shrinkTo(max: number): Promise<void> {
    const dropped: Entry[] = [];
    while (this.held > Math.max(0, max) && this.ready.length > 0) dropped.push(this.ready.pop()!);
    await Promise.all(dropped.map((entry) => this.close(entry)));
  }

  /** Closes every pooled client and starts no more. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.enabled = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const entries = this.ready.splice(0);
    if (this.filling) entries.push(this.filling);
    this.filling = null;
    await Promise.all(entries.map((entry) => this.close(entry)));
  }

  /** Closes a client that was taken but could not be handed to its session. */
  discard(warm: WarmClient): Promise<void> {
    this.taken.delete(warm as Entry);
    const closed = this.close(warm as Entry);
    this.refill();
    return closed;
  }

  /** Starts one more client when the pool is short and nothing else needs the start gate. */
  private refill(): void {
    if (!this.enabled || this.refilling || this.retryTimer) return;
    if (this.held >= this.deps.size || !this.deps.hasRoom()) return;
    this.refilling = true;
    void this.fillOne()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'warm pool refill failed'))
      .finally(() => {
        this.refilling = false;
        this.refill();
      });
  }

  private async fillOne(): Promise<void> {
    // Real starts first: a pooled start only begins when none runs or waits.
    for (;;) {
      await this.deps.startGate.whenIdle();
      if (!this.enabled || this.held >= this.deps.size || !this.deps.hasRoom()) return;
      const counts = this.deps.startGate.counts;
      if (counts.starting === 0 && counts.queued === 0) break;
    }
    const release = await this.deps.startGate.enter();
    if (!this.enabled) return release();
    const poolId = randomUUID();
    const entry = new Entry(poolId, this.deps.factory.createWarm(poolId));
    this.filling = entry;
    try {
      await this.start(entry);
    } finally {
      release();
      if (this.filling === entry) this.filling = null;
    }
  }

  /** Starts the client and files it as ready at its first QR; a failure schedules a retry. */
  private async start(entry: Entry): Promise<void> {
    const { client } = entry;
    let shown!: () => void;
    let failed!: (error: Error) => void;
    const firstQr = new Promise<void>((resolve, reject) => {
      shown = resolve;
      failed = reject;
    });
    const die = (detail: string) => {
      if (entry.lost) return;
      entry.lost = true;
      failed(new Error(detail));
      const index = this.ready.indexOf(entry);
      if (index < 0) return;
      // Died while waiting in the pool: replace it.
      this.ready.splice(index, 1);
      this.deps.logger.warn({ pool: entry.poolId, detail }, 'a pooled client died; replacing it');
      void this.close(entry).finally(() => this.refill());
    };
    client.on('qr', (qr) => {
      if (entry.handedOver) return;
      entry.qr = qr;
      entry.shownAt = Date.now();
      shown();
    });
    client.on('disconnected', (reason) => !entry.handedOver && die(`disconnected: ${reason}`));
    // Its QR timed out and WhatsApp Web shows no more (the library cannot ask for one).
    client.on('change_state', (state) => {
      if (state === 'UNPAIRED_IDLE' && !entry.handedOver) die('QR expired');
    });
    // A pooled client is never scanned before it is handed over; one that links anyway (a QR
    // leaked) belongs to nobody and is closed.
    client.on('authenticated', () => !entry.handedOver && die('linked while pooled'));
    let timer: NodeJS.Timeout | undefined;
    try {
      const initializing = client.initialize();
      await Promise.race([
        initializing.then(() => firstQr),
        firstQr,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no QR within ${WARM_START_TIMEOUT_MS} ms`)),
            WARM_START_TIMEOUT_MS,
          );
        }),
      ]);
      clearTimeout(timer);
      // puppeteer's Browser exists once the library showed a QR.
      client.pupBrowser?.on?.('disconnected', () => !entry.handedOver && die('browser closed'));
    } catch (error) {
      clearTimeout(timer);
      entry.lost = true;
      this.failures += 1;
      const delayMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (this.failures - 1));
      this.deps.logger.warn({ err: error, retry_in_ms: delayMs }, 'a pooled client did not start');
      await this.close(entry);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.refill();
      }, delayMs);
      this.retryTimer.unref();
      return;
    }
    if (this.closed) return this.close(entry);
    this.failures = 0;
    this.ready.push(entry);
    this.deps.logger.debug({ pool: entry.poolId, ready: this.ready.length }, 'pooled client ready');
  }

  private async close(entry: Entry): Promise<void> {
    entry.lost = true;
    const { client } = entry;
    try {
      await withTimeout(client.destroy(), this.deps.destroyTimeoutMs);
    } catch {
      try {
        client.pupBrowser?.process()?.kill('SIGKILL');
      } catch {
        // gone already
      }
    }
    client.removeAllListeners();
    await this.deps.factory.discardWarm(entry.poolId).catch((error: unknown) => {
      this.deps.logger.error({ err: error, pool: entry.poolId }, 'could not delete a pool profile');
    });
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
