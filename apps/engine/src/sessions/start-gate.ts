/**
 * Lets at most `limit` clients start at once, first come first served. Starting a client
 * (Chromium, WhatsApp Web's page, the library's injection, a restored login's sync) is the
 * heaviest thing an engine does: fifty at once on two cores starve each other until nearly
 * every start times out, while a few at a time finish in turn.
 */
export class StartGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`bad start limit ${limit}`);
  }

  /** Resolves with a release function once a slot is free; releasing twice is harmless. */
  async enter(): Promise<() => void> {
    if (this.running < this.limit) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `running` stays the same.
      if (next) next();
      else this.running -= 1;
      if (this.running === 0) this.wakeIdleWaiters();
    };
  }

  /** Resolves once no start runs and none waits (at once when that is so already). */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Starts under way, and starts waiting for a slot. */
  get counts(): { starting: number; queued: number } {
    return { starting: this.running, queued: this.waiting.length };
  }
}
