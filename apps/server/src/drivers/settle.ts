/**
 * Runs synchronous work behind a promise: a throw becomes a rejection, as it would be from the
 * Redis drivers, so callers of a local driver see the same failure mode.
 */
export function settle<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}
