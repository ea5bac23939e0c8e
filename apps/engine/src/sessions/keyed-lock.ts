/**
 * Runs work for one key strictly one at a time, in arrival order; different keys run in
 * parallel. Start, stop, logout, restart and the engine's own recovery of a session all go
 * through it, so two of them never interleave on the same client.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** True while some work for `key` runs or waits. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }
}
