// The behaviour every CoordinationStore must have (and the Lease / withLock helpers on top of it);
// coordination-store.spec.ts runs it against each store with real time and short TTLs.
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { deferred, recordingLogger, waitFor } from '../testing/driver-test-utils';
import type { CoordinationDriver, CoordinationStore } from './coordination-store.port';
import { Lease, type LeaseLoss } from './lease';
import { withLock } from './with-lock';

export interface CoordinationStoreHarness {
  driver: CoordinationDriver;
  create(): CoordinationStore;
  cleanup(): Promise<void>;
}

const TTL = 90;
/** For leases that must survive: long enough that a loaded machine's stalls cannot lapse them. */
const HELD_TTL = 1_000;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function coordinationStoreContract(harness: CoordinationStoreHarness): void {
  let store: CoordinationStore;
  const logger = recordingLogger();

  beforeEach(() => {
    store = harness.create();
  });
  afterEach(async () => {
    await store.close();
    await harness.cleanup();
  });

  it('reports which driver it is', () => {
    expect(store.driver).toBe(harness.driver);
  });

  it('gives a lease to one owner at a time; the holder may acquire it again', async () => {
    expect(await store.acquireLease('session-1', 'engine-a', 5_000)).toBe(true);
    expect(await store.acquireLease('session-1', 'engine-b', 5_000)).toBe(false);
    expect(await store.acquireLease('session-1', 'engine-a', 5_000)).toBe(true);
    expect(await store.leaseHolder('session-1')).toBe('engine-a');
    expect(await store.acquireLease('session-2', 'engine-b', 5_000)).toBe(true);
    expect(await store.leaseHolder('session-3')).toBeNull();
  });

  it('lets only the holder renew or release a lease', async () => {
    await store.acquireLease('session-1', 'engine-a', 5_000);
    expect(await store.renewLease('session-1', 'engine-b', 5_000)).toBe(false);
    expect(await store.releaseLease('session-1', 'engine-b')).toBe(false);
    expect(await store.leaseHolder('session-1')).toBe('engine-a');

    expect(await store.renewLease('session-1', 'engine-a', 5_000)).toBe(true);
    expect(await store.releaseLease('session-1', 'engine-a')).toBe(true);
    expect(await store.leaseHolder('session-1')).toBeNull();
    expect(await store.acquireLease('session-1', 'engine-b', 5_000)).toBe(true);
  });

  it('expires a lease that is not renewed, after which its old owner can neither renew nor release it', async () => {
    await store.acquireLease('session-1', 'engine-a', TTL);
    expect(await store.acquireLease('session-1', 'engine-b', TTL)).toBe(false);
    await waitFor(() => store.acquireLease('session-1', 'engine-b', 5_000), 'the lease to expire');

    expect(await store.renewLease('session-1', 'engine-a', 5_000)).toBe(false);
    expect(await store.releaseLease('session-1', 'engine-a')).toBe(false);
    expect(await store.leaseHolder('session-1')).toBe('engine-b');
  });

  it('claims a key once per TTL (the replay cache)', async () => {
    expect(await store.claimOnce('req-1', TTL)).toBe(true);
    expect(await store.claimOnce('req-1', TTL)).toBe(false);
    expect(await store.claimOnce('req-2', TTL)).toBe(true);
    await waitFor(() => store.claimOnce('req-1', TTL), 'the claim to expire');
    expect(await store.claimOnce('req-1', TTL)).toBe(false);
  });

  it('counts hits in a fixed window that starts with the first hit', async () => {
    expect(await store.countHit('login:a@x.test', TTL)).toBe(1);
    expect(await store.countHit('login:a@x.test', TTL)).toBe(2);
    expect(await store.countHit('login:a@x.test', TTL)).toBe(3);
    expect(await store.countHit('login:b@x.test', TTL)).toBe(1);
    await waitFor(async () => (await store.countHit('login:a@x.test', TTL)) === 1, 'a new window');
    expect(await store.countHit('login:a@x.test', TTL)).toBe(2);
  });

  it.each([[0], [-5], [1.5], [Number.NaN]])('refuses the TTL %p', async (ttl) => {
    for (const attempt of [
      store.acquireLease('k', 'o', ttl),
      store.renewLease('k', 'o', ttl),
      store.claimOnce('k', ttl),
      store.countHit('k', ttl),
    ]) {
      const error = await attempt.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DriverException);
      expect((error as DriverException).code).toBe(DriverErrorCode.INVALID_ARGUMENT);
    }
  });

  it('Lease: keeps the lease past its TTL with heartbeats, and frees it on release', async () => {
    const lease = await Lease.acquire(store, 'session-1', 'engine-a', HELD_TTL, { logger });
    expect(lease).not.toBeNull();
    const until = Date.now() + 2 * HELD_TTL;
    while (Date.now() < until) {
      expect(await store.acquireLease('session-1', 'engine-b', HELD_TTL)).toBe(false);
      await tick(15);
    }
    expect(lease!.isHeld).toBe(true);

    await lease!.release();
    expect(lease!.isHeld).toBe(false);
    expect(await store.acquireLease('session-1', 'engine-b', HELD_TTL)).toBe(true);
  });

  it('Lease: is not granted while someone else holds the key', async () => {
    await store.acquireLease('session-1', 'engine-b', 5_000);
    expect(await Lease.acquire(store, 'session-1', 'engine-a', TTL, { logger })).toBeNull();
  });

  it('Lease: reports the loss once when another owner took over, and stops renewing', async () => {
    const losses: LeaseLoss[] = [];
    const lease = await Lease.acquire(store, 'session-1', 'engine-a', TTL, {
      logger,
      onLost: (loss) => losses.push(loss),
    });
    // As if engine-a had stalled past its TTL and engine-b re-homed the session.
    await store.releaseLease('session-1', 'engine-a');
    await store.acquireLease('session-1', 'engine-b', 5_000);

    const loss = await lease!.lost;
    expect(loss).toEqual({ key: 'session-1', owner: 'engine-a', reason: 'not-renewed' });
    expect(losses).toEqual([loss]);
    expect(lease!.isHeld).toBe(false);
    await lease!.release(); // must not free engine-b's lease
    expect(await store.leaseHolder('session-1')).toBe('engine-b');
  });

  it('withLock: runs critical sections one at a time and times out a waiter that gives up', async () => {
    const events: string[] = [];
    const firstMayLeave = deferred();
    const first = withLock(store, 'campaign-9', HELD_TTL, async () => {
      events.push('first in');
      await firstMayLeave.promise;
      events.push('first out');
      return 'first';
    });
    await waitFor(() => events.includes('first in'));
    const second = withLock(
      store,
      'campaign-9',
      TTL,
      async () => {
        events.push('second in');
        await tick(1);
        events.push('second out');
        return 'second';
      },
      { waitMs: 3_000 },
    );
    const impatient = withLock(store, 'campaign-9', HELD_TTL, () => Promise.resolve('never'), {
      waitMs: 40,
    });
    await expect(impatient).rejects.toMatchObject({ code: DriverErrorCode.LOCK_TIMEOUT });

    firstMayLeave.resolve();
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
    expect(events).toEqual(['first in', 'first out', 'second in', 'second out']);
    expect(await store.leaseHolder('campaign-9')).toBeNull();
  });

  it('withLock: releases the lock when the critical section throws', async () => {
    await expect(
      withLock(store, 'campaign-9', 5_000, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await store.leaseHolder('campaign-9')).toBeNull();
  });

  it('withLock: aborts the signal with LEASE_LOST when the lock is taken over', async () => {
    const entered = deferred();
    const outcome = withLock(
      store,
      'campaign-9',
      TTL,
      (signal) =>
        new Promise<unknown>((resolve) => {
          signal.addEventListener('abort', () => resolve(signal.reason));
          entered.resolve();
        }),
      { owner: 'node-a', logger },
    );
    await entered.promise;
    await store.releaseLease('campaign-9', 'node-a');
    await store.acquireLease('campaign-9', 'node-b', 5_000);

    expect(await outcome).toMatchObject({ code: DriverErrorCode.LEASE_LOST });
    expect(await store.leaseHolder('campaign-9')).toBe('node-b');
  });
}
