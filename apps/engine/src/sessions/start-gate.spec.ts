import { StartGate } from './start-gate';

describe('StartGate', () => {
  it('lets `limit` starts run at once and the rest in arrival order', async () => {
    const gate = new StartGate(2);
    const order: string[] = [];
    const first = await gate.enter();
    const second = await gate.enter();
    const third = gate.enter().then((release) => (order.push('third'), release));
    const fourth = gate.enter().then((release) => (order.push('fourth'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(gate.counts).toEqual({ starting: 2, queued: 2 });

    second();
    second(); // a second release of the same slot frees nothing more
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect(gate.counts).toEqual({ starting: 2, queued: 1 });

    first();
    (await fourth)();
    releaseThird();
    expect(order).toEqual(['third', 'fourth']);
    expect(gate.counts).toEqual({ starting: 0, queued: 0 });
  });

  it('says when no start runs or waits', async () => {
    const gate = new StartGate(1);
    await gate.whenIdle();
    const first = await gate.enter();
    const second = gate.enter();
    let idle = false;
    const whenIdle = gate.whenIdle().then(() => (idle = true));
    first();
    const releaseSecond = await second;
    await Promise.resolve();
    expect(idle).toBe(false);
    releaseSecond();
    await whenIdle;
    expect(gate.counts).toEqual({ starting: 0, queued: 0 });
  });

  it('refuses a limit below one', () => {
    expect(() => new StartGate(0)).toThrow(RangeError);
  });
});
