import { TableColumn, TableForeignKey, type QueryRunner, type TableColumnOptions } from 'typeorm';

/**
 * Helpers shared by the migrations so one migration class runs on MariaDB/MySQL (mysql2) and on
 * SQLite (better-sqlite3), on an empty database and on an adopted Blazz database.
 */

export type Dialect = 'mysql' | 'sqlite';

export function dialectOf(queryRunner: QueryRunner): Dialect {
  const type = queryRunner.connection.options.type;
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  if (type === 'better-sqlite3') return 'sqlite';
  throw new Error(`Switchboard migrations support MySQL/MariaDB and SQLite, not ${type}`);
}

/** Quotes an identifier for the current driver (`key` is reserved on MySQL). */
export function quote(queryRunner: QueryRunner, identifier: string): string {
  return queryRunner.connection.driver.escape(identifier);
}

/** A SQL string literal, as TypeORM expects for `default`. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Auto-increment primary key: `bigint unsigned` like Laravel's `id()` on MySQL; `integer` on
 * SQLite, where AUTOINCREMENT is only allowed on INTEGER PRIMARY KEY.
 */
export function idColumn(queryRunner: QueryRunner, name = 'id'): TableColumnOptions {
  return {
    name,
    type: dialectOf(queryRunner) === 'sqlite' ? 'integer' : 'bigint',
    unsigned: true,
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  };
}

/** Large text for sealed secrets: `longtext` on MySQL (text stops at 64 KiB), `text` on SQLite. */
export function longTextType(queryRunner: QueryRunner): string {
  return dialectOf(queryRunner) === 'mysql' ? 'longtext' : 'text';
}

/** MariaDB stores `json` as LONGTEXT + json_valid(); SQLite keeps it as text. Same name on both. */
export const JSON_TYPE = 'json';

export function enumColumn(
  name: string,
  values: readonly string[],
  options: { default?: string; isNullable?: boolean } = {},
): TableColumnOptions {
  return {
    name,
    type: 'enum',
    enum: [...values],
    isNullable: options.isNullable ?? false,
    ...(options.default === undefined ? {} : { default: sqlString(options.default) }),
  };
}

/** A nullable `datetime` (not `timestamp`, which stops in 2038). */
export function datetimeColumn(
  name: string,
  options: { default?: string; isNullable?: boolean } = {},
): TableColumnOptions {
  return {
    name,
    type: 'datetime',
    isNullable: options.isNullable ?? true,
    ...(options.default ? { default: options.default } : {}),
  };
}

/**
 * A column that will reference `table.column`, typed exactly like the live referenced column:
 * Blazz databases differ (int or bigint, unsigned or not) and MySQL refuses a foreign key between
 * columns of different types.
 */
export async function referencingColumn(
  queryRunner: QueryRunner,
  name: string,
  reference: { table: string; column: string },
  options: { isNullable?: boolean } = {},
): Promise<TableColumnOptions> {
  const table = await queryRunner.getTable(reference.table);
  const referenced = table?.findColumnByName(reference.column);
  if (!referenced) {
    throw new Error(`cannot reference ${reference.table}.${reference.column}: no such column`);
  }
  return {
    name,
    type: referenced.type,
    unsigned: referenced.unsigned,
    ...(referenced.length ? { length: referenced.length } : {}),
    isNullable: options.isNullable ?? false,
  };
}

/** Stops with a message naming what is missing instead of a bare SQL error later on. */
export async function requireColumns(
  queryRunner: QueryRunner,
  table: string,
  columns: string[],
): Promise<void> {
  const live = await queryRunner.getTable(table);
  if (!live) throw new Error(`table ${table} is missing; is this a Blazz or Switchboard database?`);
  const missing = columns.filter((column) => !live.findColumnByName(column));
  if (missing.length > 0) {
    throw new Error(
      `${table} lacks ${missing.join(', ')}; is this a Blazz or Switchboard database?`,
    );
  }
}

/** Switchboard-owned tables are created unconditionally; an existing one means a database we do not know. */
export async function requireTableAbsent(queryRunner: QueryRunner, table: string): Promise<void> {
  if (await queryRunner.hasTable(table)) {
    throw new Error(
      `table ${table} already exists. Switchboard adopts a Blazz database from before its WhatsApp Web ` +
        'integration; a database that already has it needs a manual review first.',
    );
  }
}

export interface ColumnReference {
  foreignKeyName: string;
  table: string;
  column: string;
  onDelete: 'CASCADE' | 'SET NULL';
}

/**
 * Adds a column (optionally with a foreign key) to an existing table without rebuilding it.
 *
 * TypeORM adds a column on SQLite by copying the table, and its copy is built from its own reading
 * of the DDL: CHECK constraints written by other tools (Laravel's `check ("type" in (…))`) are
 * silently lost. SQLite's own ALTER TABLE ADD COLUMN (with REFERENCES for a NULL-default column)
 * keeps the table exactly as it was, so it is used there; MySQL uses the Table API directly.
 */
export async function addColumnInPlace(
  queryRunner: QueryRunner,
  table: string,
  column: TableColumn,
  reference?: ColumnReference,
): Promise<void> {
  if (dialectOf(queryRunner) === 'mysql') {
    await queryRunner.addColumn(table, column);
    if (reference) {
      const foreignKey = new TableForeignKey({
        name: reference.foreignKeyName,
        columnNames: [column.name],
        referencedTableName: reference.table,
        referencedColumnNames: [reference.column],
        onDelete: reference.onDelete,
      });
      // The new column holds only NULLs, so there is nothing to validate; with checks off InnoDB adds
      // the key in place instead of copying a possibly huge table (chats).
      await withMysqlForeignKeyChecksOff(queryRunner, () =>
        queryRunner.createForeignKey(table, foreignKey),
      );
    }
    return;
  }
  if (column.enum)
    throw new Error(`addColumnInPlace: enum column ${column.name} is not supported on SQLite`);
  if (reference && (!column.isNullable || column.default !== undefined)) {
    throw new Error(
      `addColumnInPlace: SQLite can only add a referencing column that is NULL by default`,
    );
  }
  let sql = `${quote(queryRunner, column.name)} ${queryRunner.connection.driver.createFullType(column)}`;
  if (!column.isNullable) sql += ' NOT NULL';
  if (column.default !== undefined) sql += ` DEFAULT ${String(column.default)}`;
  if (reference) {
    sql += ` REFERENCES ${quote(queryRunner, reference.table)} (${quote(queryRunner, reference.column)})`;
    sql += ` ON DELETE ${reference.onDelete}`;
  }
  await queryRunner.query(`ALTER TABLE ${quote(queryRunner, table)} ADD COLUMN ${sql}`);
}

/**
 * Drops a column added by `addColumnInPlace`, with its foreign key and the indexes that use it, in
 * the order MySQL accepts (an index a foreign key relies on cannot go first). SQLite's native
 * DROP COLUMN leaves the rest of the table's DDL untouched, unlike a TypeORM rebuild.
 */
export async function dropColumnInPlace(
  queryRunner: QueryRunner,
  table: string,
  column: string,
  options: { foreignKeyName?: string; indexNames?: string[] } = {},
): Promise<void> {
  const mysql = dialectOf(queryRunner) === 'mysql';
  if (mysql && options.foreignKeyName)
    await queryRunner.dropForeignKey(table, options.foreignKeyName);
  for (const indexName of options.indexNames ?? []) await queryRunner.dropIndex(table, indexName);
  if (mysql) {
    await queryRunner.dropColumn(table, column);
    return;
  }
  await queryRunner.query(
    `ALTER TABLE ${quote(queryRunner, table)} DROP COLUMN ${quote(queryRunner, column)}`,
  );
}

async function withMysqlForeignKeyChecksOff(
  queryRunner: QueryRunner,
  work: () => Promise<void>,
): Promise<void> {
  const rows = await selectRows<{ checks: number | string }>(
    queryRunner,
    'SELECT @@foreign_key_checks AS checks',
  );
  const previous = Number(rows[0]?.checks ?? 1);
  await queryRunner.query('SET foreign_key_checks = 0');
  try {
    await work();
  } finally {
    await queryRunner.query(`SET foreign_key_checks = ${previous === 0 ? 0 : 1}`);
  }
}

/**
 * SQL that reads a JSON/text column as text on every engine: mysql2 parses MySQL 8's native JSON
 * into an object (losing the stored key order and escaping), so it is cast to text first.
 */
export function jsonAsText(queryRunner: QueryRunner, column: string): string {
  const quoted = quote(queryRunner, column);
  return dialectOf(queryRunner) === 'mysql' ? `CAST(${quoted} AS CHAR)` : `CAST(${quoted} AS TEXT)`;
}

/** Row ids come back as strings from mysql2 (bigNumberStrings) and numbers from SQLite. */
export type RowId = string | number;

/** A typed SELECT through the migration's query runner (raw queries return `any`). */
export async function selectRows<T>(
  queryRunner: QueryRunner,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return (await queryRunner.query(sql, parameters)) as T[];
}

/** The current UTC time as `YYYY-MM-DD HH:MM:SS`, how Laravel and the app store datetimes. */
export function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

export const SCHEMA_NOTES_TABLE = 'switchboard_schema_notes';

/**
 * Switchboard's bookkeeping of what its migrations created or inserted in a database it did not
 * create, so each `down` removes exactly that and nothing of Blazz's. One row per object,
 * e.g. `table:chat_media`, `column:teams.deleted_at`, `setting:broadcast_driver`; the value names
 * the migration that owns it.
 */
export class SchemaNotes {
  constructor(
    private readonly queryRunner: QueryRunner,
    private readonly owner: string,
  ) {}

  async record(name: string): Promise<void> {
    await this.queryRunner.query(
      `INSERT INTO ${this.table()} (${this.col('name')}, ${this.col('value')}) VALUES (?, ?)`,
      [name, this.owner],
    );
  }

  /** What this migration recorded under `prefix`, with the prefix removed. */
  async list(prefix: string): Promise<string[]> {
    const rows = await selectRows<{ name: string }>(
      this.queryRunner,
      `SELECT ${this.col('name')} AS name FROM ${this.table()} WHERE ${this.col('value')} = ? ORDER BY ${this.col('name')}`,
      [this.owner],
    );
    return rows
      .map((row) => row.name)
      .filter((name) => name.startsWith(prefix))
      .map((name) => name.slice(prefix.length));
  }

  async forget(name: string): Promise<void> {
    await this.queryRunner.query(`DELETE FROM ${this.table()} WHERE ${this.col('name')} = ?`, [
      name,
    ]);
  }

  private table(): string {
    return quote(this.queryRunner, SCHEMA_NOTES_TABLE);
  }

  private col(name: string): string {
    return quote(this.queryRunner, name);
  }
}
