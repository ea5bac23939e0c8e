import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let now = 0;
  const sut = (perSecond = 10, capacity = 10) => new TokenBucket(perSecond, capacity, () => now);

  beforeEach(() => {
    now = 1_000;
  });

  it('allows a full burst, then refuses until tokens refill', () => {
    const bucket = sut();
    const burst = Array.from({ length: 12 }, () => bucket.tryTake());
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(bucket.tryTake()).toBe(false);

    now += 100; // 10/s: one token per 100 ms
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never saves up more than its capacity', () => {
    const bucket = sut(10, 3);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => bucket.tryTake())).toEqual([true, true, true, false]);
  });
});
