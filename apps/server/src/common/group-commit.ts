interface Waiting<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: work submitted under a key while that key's previous flush is still running
 * waits, then goes into the next flush together with everything else that waited — one
 * transaction for many callers, so the busier it gets, the less each caller costs. A flush of
 * several callers that fails is run again caller by caller, so one caller's bad input fails only
 * that caller.
 */
export class GroupCommit<T, R> {
  private readonly waiting = new Map<string, Array<Waiting<T, R>>>();

  /**
   * @param flush stores every caller's items at once and answers each caller's results, in order
   * @param maxItems how many items one flush takes at most (a single caller's are never split)
   */
  constructor(
    private readonly flush: (callers: T[][]) => Promise<R[][]>,
    private readonly maxItems: number,
  ) {}

  submit(key: string, items: T[]): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue) {
        queue.push({ items, resolve, reject });
        return;
      }
      this.waiting.set(key, [{ items, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const queue = this.waiting.get(key)!;
    while (queue.length > 0) {
      const taken = [queue.shift()!];
      let count = taken[0]!.items.length;
      while (queue.length > 0 && count + queue[0]!.items.length <= this.maxItems) {
        count += queue[0]!.items.length;
        taken.push(queue.shift()!);
      }
      await this.run(taken);
    }
    this.waiting.delete(key);
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
