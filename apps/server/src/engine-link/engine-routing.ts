/** What routing needs to know of a live engine. */
export interface RoutableEngine {
  engineId: string;
  url: string;
  sessions: number;
  maxSessions: number;
}

/**
 * The engine a session's command goes to: the live engine holding the session's lease; else
 * (a new session, or its holder is gone) the least loaded live engine, which takes the lease when
 * it starts the session. Null when no engine is live.
 */
export function chooseEngine<T extends RoutableEngine>(
  live: readonly T[],
  holder: string | null,
): T | null {
  const holding = holder === null ? undefined : live.find((e) => e.engineId === holder);
  return holding ?? leastLoaded(live);
}

/**
 * Engines with room before full ones, then the fewest sessions, then the most room left; the
 * engine id breaks ties so every server node picks the same engine.
 */
export function leastLoaded<T extends RoutableEngine>(live: readonly T[]): T | null {
  const full = (e: RoutableEngine) => (e.maxSessions > 0 && e.sessions >= e.maxSessions ? 1 : 0);
  const ranked = [...live].sort(
    (a, b) =>
      full(a) - full(b) ||
      a.sessions - b.sessions ||
      b.maxSessions - a.maxSessions ||
      (a.engineId < b.engineId ? -1 : a.engineId > b.engineId ? 1 : 0),
  );
  return ranked[0] ?? null;
}
