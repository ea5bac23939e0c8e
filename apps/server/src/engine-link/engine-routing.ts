/** What routing needs to know of a live engine. */
export interface RoutableEngine {
  engineId: string;
  url: string;
  sessions: number;
  maxSessions: number;
}

/**
 * The engine a session's command goes to: the live engine holding the session's lease; else the
 * live engine that ran it last, while it has room (its login files are there, nothing to move);
 * else (a new session, or its engine is gone) the least loaded live engine, which takes the lease
 * when it starts the session. Null when no engine is live.
 */
export function chooseEngine<T extends RoutableEngine>(
  live: readonly T[],
  holder: string | null,
  lastHolder: string | null = null,
): T | null {
  const holding = holder === null ? undefined : live.find((e) => e.engineId === holder);
  if (holding) return holding;
  const last = lastHolder === null ? undefined : live.find((e) => e.engineId === lastHolder);
  if (last && !isFull(last)) return last;
  return leastLoaded(live);
}

function isFull(engine: RoutableEngine): boolean {
  return engine.maxSessions > 0 && engine.sessions >= engine.maxSessions;
}

/**
 * Engines with room before full ones, then the fewest sessions, then the most room left; the
 * engine id breaks ties so every server node picks the same engine.
 */
export function leastLoaded<T extends RoutableEngine>(live: readonly T[]): T | null {
  const full = (e: RoutableEngine) => (isFull(e) ? 1 : 0);
  const ranked = [...live].sort(
    (a, b) =>
      full(a) - full(b) ||
      a.sessions - b.sessions ||
      b.maxSessions - a.maxSessions ||
      (a.engineId < b.engineId ? -1 : a.engineId > b.engineId ? 1 : 0),
  );
  return ranked[0] ?? null;
}
