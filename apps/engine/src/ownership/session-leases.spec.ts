import type { LeaseAnswer } from '@switchboard/contracts';
import { SessionLeases, type LeaseAuthority, type LeaseLossReason } from './session-leases';

/** A lease authority in memory, as the server keeps it: one owner per session, with expiry. */
class FakeAuthority implements LeaseAuthority {
  reachable = true;
  constructor(
    private readonly engine: string,
    private readonly clock: () => number,
    readonly owners = new Map<string, { owner: string; until: number }>(),
  ) {}

  /** The same authority as another engine sees it. */
  forEngine(engine: string): FakeAuthority {
    return new FakeAuthority(engine, this.clock, this.owners);
  }

  acquireLeases(ids: string[], ttl: number): Promise<LeaseAnswer> {
    return this.answer(ids, ttl, true);
  }

  renewLeases(ids: string[], ttl: number): Promise<LeaseAnswer> {
    return this.answer(ids, ttl, false);
  }

  releaseLeases(ids: string[]): Promise<void> {
    for (const id of ids) if (this.owners.get(id)?.owner === this.engine) this.owners.delete(id);
    return Promise.resolve();
  }

  private answer(ids: string[], ttl: number, mayTake: boolean): Promise<LeaseAnswer> {
    if (!this.reachable) return Promise.reject(new Error('server unreachable: ECONNREFUSED'));
    const answer: LeaseAnswer = { held: [], refused: [] };
    for (const id of ids) {
      const current = this.owners.get(id);
      const free = !current || current.until <= this.clock();
      if (current?.owner === this.engine && !free) {
        current.until = this.clock() + ttl;
        answer.held.push(id);
      } else if (free && mayTake) {
        this.owners.set(id, { owner: this.engine, until: this.clock() + ttl });
        answer.held.push(id);
      } else answer.refused.push(id);
    }
    return Promise.resolve(answer);
  }
}

describe('SessionLeases', () => {
  let now: number;
  const clock = () => now;
  let authority: FakeAuthority;
  let sut: SessionLeases;
  let losses: Array<[string, LeaseLossReason]>;

  beforeEach(() => {
    now = 1_000_000;
    authority = new FakeAuthority('engine-a', clock);
    sut = new SessionLeases(authority, { ttlMs: 30_000, now: clock });
    losses = [];
    sut.onLost((id, reason) => losses.push([id, reason]));
  });
  afterEach(() => sut.stop());

  it('holds a session only when no other engine does', async () => {
    const other = new SessionLeases(authority.forEngine('engine-b'), { ttlMs: 30_000, now: clock });
    expect(await sut.acquire('s1')).toBe(true);
    expect(await other.acquire('s1')).toBe(false);
    await sut.release('s1');
    expect(await other.acquire('s1')).toBe(true);
    other.stop();
  });

  it('keeps its leases alive while the server answers', async () => {
    await sut.acquire('s1');
    for (let i = 0; i < 5; i += 1) {
      now += 10_000;
      await sut.heartbeat();
    }
    expect(sut.holds('s1')).toBe(true);
    expect(losses).toEqual([]);
  });

  it('loses a lease the server gave to another engine', async () => {
    await sut.acquire('s1');
    await sut.acquire('s2');
    authority.owners.set('s1', { owner: 'engine-b', until: now + 30_000 });
    await sut.heartbeat();
    expect(losses).toEqual([['s1', 'taken']]);
    expect(sut.sessionIds).toEqual(['s2']);
  });

  it('gives every lease up when the server stays unreachable for a whole TTL, not before', async () => {
    await sut.acquire('s1');
    await sut.acquire('s2');
    authority.reachable = false;
    now += 20_000;
    await sut.heartbeat();
    expect(losses).toEqual([]);
    now += 10_000;
    await sut.heartbeat();
    expect(losses).toEqual([
      ['s1', 'server_unreachable'],
      ['s2', 'server_unreachable'],
    ]);
    expect(sut.sessionIds).toEqual([]);
  });
});
