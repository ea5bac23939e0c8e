import type { DataSourceOptions } from 'typeorm';
import type { DatabaseTarget } from './database-url';

/**
 * Switchboard's migration history table. Blazz databases already hold Laravel's `migrations`
 * table, which is left alone.
 */
export const MIGRATIONS_TABLE = 'switchboard_migrations';

export interface DataSourceParts {
  // TypeORM takes entity and migration classes as constructors.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: Function[];
  logging?: boolean;
}

export function buildDataSourceOptions(
  target: DatabaseTarget,
  parts: DataSourceParts = {},
): DataSourceOptions {
  const common = {
    entities: parts.entities ?? [],
    migrations: parts.migrations ?? [],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: parts.logging ?? false,
  } as const;
  if (target.kind === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: target.location,
      charset: 'utf8mb4_unicode_ci',
      // Stored times are UTC, as Laravel writes them by default.
      timezone: 'Z',
      poolSize: 10,
      // mysql2 captures a stack trace on every query only to decorate its errors; TypeORM raises
      // its own QueryFailedError with the query, and the capture was ~3 % of a webhook's CPU.
      extra: { trace: false },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: target.location,
    // WAL lets readers proceed while a writer commits; busy_timeout waits instead of failing.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}
