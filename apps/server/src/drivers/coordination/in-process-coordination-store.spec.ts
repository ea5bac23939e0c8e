import { recordingLogger } from '../testing/driver-test-utils';
import type { CoordinationStore } from './coordination-store.port';
import { InProcessCoordinationStore } from './in-process-coordination-store';
import { Lease } from './lease';

// Expiry is computed from the clock on every read, so moving an injected clock is enough:
// these tests never wait for a timer.
describe('InProcessCoordinationStore expiry by clock', () => {
  let now: number;
  let store: InProcessCoordinationStore;

  beforeEach(() => {
    now = 5_000_000;
    store = new InProcessCoordinationStore(() => now);
  });

  it('expires a lease exactly at its TTL', async () => {
    await store.acquireLease('session-1', 'engine-a', 30_000);
    now += 29_999;
    expect(await store.leaseHolder('session-1')).toBe('engine-a');
    expect(await store.acquireLease('session-1', 'engine-b', 30_000)).toBe(false);
    now += 1;
    expect(await store.leaseHolder('session-1')).toBeNull();
    expect(await store.renewLease('session-1', 'engine-a', 30_000)).toBe(false);
  });

  it('measures a renewed lease from the renewal', async () => {
    await store.acquireLease('session-1', 'engine-a', 30_000);
    now += 20_000;
    expect(await store.renewLease('session-1', 'engine-a', 30_000)).toBe(true);
    now += 29_999;
    expect(await store.leaseHolder('session-1')).toBe('engine-a');
  });

  it('forgets a claim and resets a counter exactly when their window ends', async () => {
    expect(await store.claimOnce('req-1', 300_000)).toBe(true);
    expect(await store.countHit('login:a', 60_000)).toBe(1);
    now += 59_999;
    expect(await store.countHit('login:a', 60_000)).toBe(2);
    expect(await store.claimOnce('req-1', 300_000)).toBe(false);
    now += 1;
    expect(await store.countHit('login:a', 60_000)).toBe(1);
    now += 240_000;
    expect(await store.claimOnce('req-1', 300_000)).toBe(true);
  });

  it('sweeps expired entries so a long-running process does not grow without bound', async () => {
    for (let i = 0; i < 999; i += 1) await store.claimOnce(`req-${i}`, 1_000);
    now += 1_000;
    await store.claimOnce('req-last', 1_000); // the 1000th write triggers a sweep
    const sizes = store as unknown as { claims: Map<string, unknown> };
    expect(sizes.claims.size).toBe(1);
  });
});

describe('Lease when the store is unreachable', () => {
  it('keeps trying until a whole TTL passed without a renewal, then reports the loss', async () => {
    let now = 0;
    const backing = new InProcessCoordinationStore(() => now);
    let reachable = true;
    const flaky: CoordinationStore = {
      driver: 'in-process',
      acquireLease: (...args) => backing.acquireLease(...args),
      renewLease: (...args) => {
        now += 10; // every heartbeat, time moves on by a little
        return reachable ? backing.renewLease(...args) : Promise.reject(new Error('ECONNRESET'));
      },
      releaseLease: (...args) => backing.releaseLease(...args),
      leaseHolder: (key) => backing.leaseHolder(key),
      claimOnce: (...args) => backing.claimOnce(...args),
      countHit: (...args) => backing.countHit(...args),
      close: () => Promise.resolve(),
    };
    const logger = recordingLogger();
    const clock = () => now;
    const lease = await Lease.acquire(flaky, 'session-1', 'engine-a', 30, {
      heartbeatMs: 1,
      logger,
      clock,
    });
    expect(lease).not.toBeNull();
    reachable = false;
    reachable = false;

    const loss = await lease!.lost;
    expect(loss).toEqual({
      key: 'session-1',
      owner: 'engine-a',
      reason: 'store-unreachable',
      error: 'ECONNRESET',
    });
    // Acquired at t=0; failed renewals at t=10 and 20 are tolerated, the one at t=30 is a whole TTL.
    expect(now).toBe(30);
    expect(logger.lines.filter((line) => line.includes('renewal failed'))).toHaveLength(3);
    expect(lease!.isHeld).toBe(false);
  });
});
