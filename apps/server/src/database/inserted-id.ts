import type { InsertResult } from 'typeorm';

/**
 * The auto-increment id of a single-row INSERT: better-sqlite3 reports it as the raw result,
 * mysql2 as `insertId`. Only for one row: a multi-row INSERT reports its first id alone.
 */
export function insertedId(result: InsertResult): number {
  const raw: unknown = result.raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw);
  const id = (raw as { insertId?: unknown } | null)?.insertId;
  if (typeof id === 'number' || typeof id === 'bigint' || typeof id === 'string') {
    const value = Number(id);
    if (Number.isSafeInteger(value) && value > 0) return value;
  }
  throw new Error(`the database reported no id for the inserted row (${JSON.stringify(raw)})`);
}
