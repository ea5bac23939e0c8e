import type { ValueTransformer } from 'typeorm';

/**
 * A BIGINT id read as a number: mysql2 returns BIGINT as a string, SQLite as a number, and ids
 * compared with `===` or sent to browsers must be one type. Ids stay far below 2^53.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
