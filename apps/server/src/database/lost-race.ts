import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

/** Codes of a transaction that lost to another one: a deadlock, or SQLite's busy writer. */
const LOST_RACE_CODES = new Set(['ER_LOCK_DEADLOCK', 'SQLITE_BUSY']);

/** A transaction that lost a race (a unique key taken meanwhile, a deadlock) and may run again. */
export function isLostRace(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && LOST_RACE_CODES.has(code);
}

/** Runs `work` again while it loses races, at most `attempts` times in all. */
export async function retryLostRaces<T>(
  work: () => Promise<T>,
  attempts: number,
  onRetry: (attempt: number) => void = () => undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isLostRace(error)) throw error;
      onRetry(attempt + 1);
    }
  }
}
