import { GroupCommit } from './group-commit';

/** A flush the test finishes by hand, recording what each call was given. */
function controlledFlush() {
  type Call = { callers: string[][]; finish: (fail?: Error) => void };
  const calls: Call[] = [];
  const waiters = new Map<number, (call: Call) => void>();
  const flush = (callers: string[][]): Promise<string[][]> =>
    new Promise((resolve, reject) => {
      const call: Call = {
        callers,
        finish: (fail) =>
          fail ? reject(fail) : resolve(callers.map((items) => items.map((item) => `ok:${item}`))),
      };
      calls.push(call);
      waiters.get(calls.length - 1)?.(call);
    });
  /** The i-th flush, once it has started. */
  const call = (i: number): Promise<Call> =>
    calls[i] ? Promise.resolve(calls[i]) : new Promise((resolve) => waiters.set(i, resolve));
  return { calls, call, flush };
}

describe('GroupCommit', () => {
  it('runs the first caller at once, then everyone who waited meanwhile in one flush', async () => {
    const { calls, call, flush } = controlledFlush();
    const commits = new GroupCommit(flush, 100);
    const first = commits.submit('ws-1', ['a']);
    expect(calls.map((c) => c.callers)).toEqual([[['a']]]);

    const second = commits.submit('ws-1', ['b', 'c']);
    const third = commits.submit('ws-1', ['d']);
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await expect(first).resolves.toEqual(['ok:a']);
    expect((await call(1)).callers).toEqual([['b', 'c'], ['d']]);
    calls[1]!.finish();
    await expect(second).resolves.toEqual(['ok:b', 'ok:c']);
    await expect(third).resolves.toEqual(['ok:d']);
  });

  it('takes at most maxItems per flush, never splitting a caller', async () => {
    const { call, flush } = controlledFlush();
    const commits = new GroupCommit(flush, 3);
    const results = [
      commits.submit('ws-1', ['a']),
      commits.submit('ws-1', ['b', 'c']),
      commits.submit('ws-1', ['d', 'e']),
      commits.submit('ws-1', ['f', 'g', 'h', 'i']),
    ];
    (await call(0)).finish();
    expect((await call(1)).callers).toEqual([['b', 'c']]);
    (await call(1)).finish();
    expect((await call(2)).callers).toEqual([['d', 'e']]);
    (await call(2)).finish();
    // One caller larger than the limit still goes, alone.
    expect((await call(3)).callers).toEqual([['f', 'g', 'h', 'i']]);
    (await call(3)).finish();
    await expect(results[3]).resolves.toHaveLength(4);
  });

  it('runs a failed group again caller by caller, so only the bad caller fails', async () => {
    const { call, flush } = controlledFlush();
    const commits = new GroupCommit(flush, 100);
    const first = commits.submit('ws-1', ['a']);
    const good = commits.submit('ws-1', ['good']);
    const bad = commits.submit('ws-1', ['bad']);
    (await call(0)).finish();
    await first;
    expect((await call(1)).callers).toEqual([['good'], ['bad']]);
    (await call(1)).finish(new Error('Data too long for column'));
    expect((await call(2)).callers).toEqual([['good']]);
    (await call(2)).finish();
    await expect(good).resolves.toEqual(['ok:good']);
    expect((await call(3)).callers).toEqual([['bad']]);
    (await call(3)).finish(new Error('Data too long for column'));
    await expect(bad).rejects.toThrow('Data too long');

    // The line goes on.
    const after = commits.submit('ws-1', ['z']);
    (await call(4)).finish();
    await expect(after).resolves.toEqual(['ok:z']);
  });

  it('runs up to maxRunning flushes of a key at once; later callers wait for the first to end', async () => {
    const { calls, call, flush } = controlledFlush();
    const commits = new GroupCommit(flush, 100, 2);
    const first = commits.submit('ws-1', ['a']);
    const second = commits.submit('ws-1', ['b']);
    const third = commits.submit('ws-1', ['c']);
    const fourth = commits.submit('ws-1', ['d']);
    expect(calls.map((c) => c.callers)).toEqual([[['a']], [['b']]]);
    (await call(1)).finish();
    await expect(second).resolves.toEqual(['ok:b']);
    expect((await call(2)).callers).toEqual([['c'], ['d']]);
    (await call(0)).finish();
    (await call(2)).finish();
    await expect(first).resolves.toEqual(['ok:a']);
    await expect(Promise.all([third, fourth])).resolves.toEqual([['ok:c'], ['ok:d']]);
    expect(calls).toHaveLength(3);
  });

  it('flushes different keys side by side', () => {
    const { calls, flush } = controlledFlush();
    const commits = new GroupCommit(flush, 100);
    void commits.submit('ws-1', ['a']);
    void commits.submit('ws-2', ['b']);
    expect(calls.map((c) => c.callers)).toEqual([[['a']], [['b']]]);
  });
});
