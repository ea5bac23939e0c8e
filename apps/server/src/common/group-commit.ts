interface Waiting<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: work submitted under a key while that key's flushes are all busy waits, then goes
 * into the next flush together with everything else that waited — one transaction for many
 * callers, so the busier it gets, the less each caller costs. A flush of several callers that
 * fails is run again caller by caller, so one caller's bad input fails only that caller.
 */
export class GroupCommit<T, R> {
  private readonly keys = new Map<string, { waiting: Array<Waiting<T, R>>; running: number }>();

  /**
   * @param flush stores every caller's items at once and answers each caller's results, in order
   * @param maxItems how many items one flush takes at most (a single caller's are never split)
   * @param maxRunning how many flushes of one key may run at the same time
   */
  constructor(
    private readonly flush: (callers: T[][]) => Promise<R[][]>,
    private readonly maxItems: number,
    private readonly maxRunning = 1,
  ) {}

  submit(key: string, items: T[]): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      const state = this.keys.get(key) ?? { waiting: [], running: 0 };
      this.keys.set(key, state);
      state.waiting.push({ items, resolve, reject });
      if (state.running < this.maxRunning) void this.drain(key, state);
    });
  }

  private async drain(
    key: string,
    state: { waiting: Array<Waiting<T, R>>; running: number },
  ): Promise<void> {
    state.running += 1;
    const queue = state.waiting;
    while (queue.length > 0) {
      const taken = [queue.shift()!];
      let count = taken[0]!.items.length;
      while (queue.length > 0 && count + queue[0]!.items.length <= this.maxItems) {
        count += queue[0]!.items.length;
        taken.push(queue.shift()!);
      }
      await this.run(taken);
    }
    state.running -= 1;
    if (state.running === 0) this.keys.delete(key);
  }

  private async run(taken: Array<Waiting<T, R>>): Promise<void> {
    try {
      const results = await this.flush(taken.map((caller) => caller.items));
      taken.forEach((caller, i) => caller.resolve(results[i]!));
    } catch (error) {
      if (taken.length === 1) {
        taken[0]!.reject(error);
        return;
      }
      for (const caller of taken) {
        try {
          caller.resolve((await this.flush([caller.items]))[0]!);
        } catch (own) {
          caller.reject(own);
        }
      }
    }
  }
}
