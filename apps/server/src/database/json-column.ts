import type { ValueTransformer } from 'typeorm';

/**
 * JSON columns as objects on every database: MariaDB and SQLite hand back text, MySQL 8's
 * native JSON comes back already parsed; writes always send text.
 */
export const jsonColumn: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
  from: (value: unknown) =>
    value === null || value === undefined
      ? null
      : typeof value === 'string'
        ? (JSON.parse(value) as unknown)
        : value,
};
