import { chooseEngine, leastLoaded, type RoutableEngine } from './engine-routing';

function engine(engineId: string, sessions: number, maxSessions = 50): RoutableEngine {
  return { engineId, url: `http://${engineId}:3100`, sessions, maxSessions };
}

describe('chooseEngine', () => {
  const a = engine('engine-a', 3);
  const b = engine('engine-b', 7);

  it("sends a session's command to the live engine holding its lease, however loaded", () => {
    expect(chooseEngine([a, b], 'engine-b')).toBe(b);
  });

  it('sends a session nobody holds to the least loaded live engine', () => {
    expect(chooseEngine([b, a], null)).toBe(a);
  });

  it('sends a session whose holder is gone to a live engine, which takes the lease', () => {
    expect(chooseEngine([b, a], 'engine-dead')).toBe(a);
  });

  it('sends a stopped session back to the live engine that ran it last, while it has room', () => {
    expect(chooseEngine([a, b], null, 'engine-b')).toBe(b);
    expect(chooseEngine([a, engine('engine-b', 50, 50)], null, 'engine-b')).toBe(a);
    expect(chooseEngine([a, b], null, 'engine-dead')).toBe(a);
  });

  it('has nowhere to send anything while no engine is live', () => {
    expect(chooseEngine([], 'engine-a')).toBeNull();
    expect(chooseEngine([], null)).toBeNull();
  });
});

describe('leastLoaded', () => {
  it('prefers an engine with room over a full one with fewer sessions', () => {
    const small = engine('engine-small', 2, 2);
    const big = engine('engine-big', 10, 50);
    expect(leastLoaded([small, big])).toBe(big);
  });

  it('breaks a tie in sessions by the room left, then by engine id, the same on every node', () => {
    expect(leastLoaded([engine('e-1', 4, 10), engine('e-2', 4, 20)])?.engineId).toBe('e-2');
    expect(leastLoaded([engine('e-2', 4), engine('e-1', 4)])?.engineId).toBe('e-1');
  });

  it('still answers when every engine is full: the engine refuses with its own error', () => {
    expect(leastLoaded([engine('e-1', 5, 5), engine('e-2', 4, 4)])?.engineId).toBe('e-2');
  });
});
