import type { DataSource, Migration } from 'typeorm';

/**
 * Runs the pending migrations. On SQLite, TypeORM rebuilds a table to alter it; with foreign keys
 * on, dropping a rebuilt parent table would cascade-delete its children, so foreign keys are off
 * while migrations run and checked afterwards.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withSqliteForeignKeysOff(dataSource, () =>
    dataSource.runMigrations({ transaction: 'each' }),
  );
}

/** Reverts the newest applied migration. */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await withSqliteForeignKeysOff(dataSource, () =>
    dataSource.undoLastMigration({ transaction: 'each' }),
  );
}

/** Reverts every applied Switchboard migration, newest first. */
export async function revertAllMigrations(dataSource: DataSource): Promise<number> {
  return withSqliteForeignKeysOff(dataSource, async () => {
    let reverted = 0;
    while (await hasAppliedMigrations(dataSource)) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted += 1;
    }
    return reverted;
  });
}

async function hasAppliedMigrations(dataSource: DataSource): Promise<boolean> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const runner = dataSource.createQueryRunner();
  try {
    if (!(await runner.hasTable(table))) return false;
    const rows = (await runner.query(
      `SELECT 1 FROM ${dataSource.driver.escape(table)} LIMIT 1`,
    )) as unknown[];
    return rows.length > 0;
  } finally {
    await runner.release();
  }
}

async function withSqliteForeignKeysOff<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return work();
  // An adopted database may already hold violations (old Blazz rows whose parent is gone); only the
  // ones the migrations add are an error.
  const before = await foreignKeyViolations(dataSource);
  await dataSource.query('PRAGMA foreign_keys = OFF');
  try {
    const result = await work();
    const after = await foreignKeyViolations(dataSource);
    const added = [...after]
      .map(([link, count]) => [link, count - (before.get(link) ?? 0)] as const)
      .filter(([, count]) => count > 0);
    if (added.length > 0) {
      const list = added.map(([link, count]) => `${link}: ${count}`).join(', ');
      throw new Error(`migrations left new foreign key violations (${list})`);
    }
    return result;
  } finally {
    await dataSource.query('PRAGMA foreign_keys = ON');
  }
}

/** Violating rows per `child -> parent` table pair (row ids change when SQLite rebuilds a table). */
async function foreignKeyViolations(dataSource: DataSource): Promise<Map<string, number>> {
  const rows = await dataSource.query<Array<{ table: string; parent: string }>>(
    'PRAGMA foreign_key_check',
  );
  const counts = new Map<string, number>();
  for (const row of rows) {
    const link = `${row.table} -> ${row.parent}`;
    counts.set(link, (counts.get(link) ?? 0) + 1);
  }
  return counts;
}
