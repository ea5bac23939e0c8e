import { MEMBERSHIP_STATUSES, WORKSPACE_ROLES } from '@switchboard/contracts';
import {
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import {
  JSON_TYPE,
  SchemaNotes,
  addColumnInPlace,
  datetimeColumn,
  dropColumnInPlace,
  enumColumn,
  idColumn,
  referencingColumn,
  sqlString,
} from './schema-helpers';

/**
 * Blazz's core tables (blazz-reference §4.1) as Blazz had them before its WhatsApp Web integration,
 * created only where missing: on an empty database this creates them all, on an adopted Blazz
 * database it creates none of the existing ones and leaves them as they are. Columns Switchboard
 * reads that older Blazz databases lack are added, nullable. Everything created is recorded in
 * switchboard_schema_notes so `down` removes exactly that.
 *
 * Deliberate differences from Blazz on a fresh database: `datetime` instead of `timestamp` (2038),
 * and `campaigns.created_at` without Blazz's ON UPDATE CURRENT_TIMESTAMP.
 */

// Blazz's own value lists for columns that have no Switchboard contract.
const CHAT_TYPES = ['inbound', 'outbound'];
const MEDIA_LOCATIONS = ['local', 'amazon', 's3', 's3_cdn'];
const CAMPAIGN_LOG_STATUSES = ['pending', 'success', 'failed', 'ongoing'];
const PLAN_PERIODS = ['monthly', 'yearly'];
const PLAN_STATUSES = ['active', 'inactive', 'deleted'];
const SUBSCRIPTION_STATUSES = ['trial', 'active'];

const nullable = { isNullable: true } as const;

function varchar(
  name: string,
  length: number,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions {
  return { name, type: 'varchar', length: String(length), ...extra };
}
function char(name: string, length: number): TableColumnOptions {
  return { name, type: 'char', length: String(length) };
}
function int(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'int', ...extra };
}
function unsignedBigint(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'bigint', unsigned: true, ...extra };
}
function text(name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'text', ...extra };
}
function timestamps(): TableColumnOptions[] {
  return [datetimeColumn('created_at'), datetimeColumn('updated_at')];
}
function index(table: string, columns: string[], kind: 'index' | 'unique' = 'index'): TableIndex {
  return new TableIndex({
    name: `${table}_${columns.join('_')}_${kind}`,
    columnNames: columns,
    isUnique: kind === 'unique',
  });
}
function foreignKey(
  table: string,
  column: string,
  referencedTable: string,
  onDelete: string,
): TableForeignKey {
  return new TableForeignKey({
    name: `${table}_${column}_foreign`,
    columnNames: [column],
    referencedTableName: referencedTable,
    referencedColumnNames: ['id'],
    onDelete,
  });
}

interface CoreTableSpec {
  name: string;
  /** The table as Switchboard creates it where it is missing. */
  build(queryRunner: QueryRunner): Table | Promise<Table>;
  /** Columns Switchboard reads that older Blazz databases may lack; added as nullable where missing. */
  ensure?: string[];
}

/** In creation order: referenced tables come first. */
const CORE_TABLES: CoreTableSpec[] = [
  {
    name: 'workspaces',
    ensure: ['deleted_at', 'deleted_by'],
    build: (qr) =>
      new Table({
        name: 'workspaces',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          varchar('identifier', 128),
          varchar('name', 255, nullable),
          text('address', nullable),
          { name: 'metadata', type: JSON_TYPE, isNullable: true },
          varchar('timezone', 128, { default: sqlString('UTC') }),
          unsignedBigint('created_by'),
          ...timestamps(),
          datetimeColumn('deleted_at'),
          unsignedBigint('deleted_by', nullable),
        ],
        indices: [index('workspaces', ['uuid'], 'unique')],
      }),
  },
  {
    name: 'users',
    ensure: ['deleted_at'],
    build: (qr) =>
      new Table({
        name: 'users',
        columns: [
          idColumn(qr),
          varchar('first_name', 128),
          varchar('last_name', 128, nullable),
          varchar('email', 191),
          varchar('avatar', 255, nullable),
          varchar('role', 255, { default: sqlString('user') }),
          varchar('phone', 255, nullable),
          text('address', nullable),
          datetimeColumn('email_verified_at'),
          varchar('password', 255, nullable),
          varchar('tfa_secret', 255, nullable),
          { name: 'tfa', type: 'tinyint', default: 0 },
          int('status', { default: 1 }),
          text('meta', nullable),
          text('plan', nullable),
          unsignedBigint('plan_id', nullable),
          { name: 'will_expire', type: 'date', isNullable: true },
          varchar('remember_token', 100, nullable),
          ...timestamps(),
          datetimeColumn('deleted_at'),
        ],
        indices: [index('users', ['email', 'deleted_at'], 'unique')],
      }),
  },
  {
    name: 'teams',
    ensure: ['deleted_at', 'deleted_by'],
    build: async (qr) =>
      new Table({
        name: 'teams',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          await referencingColumn(qr, 'workspace_id', { table: 'workspaces', column: 'id' }),
          await referencingColumn(qr, 'user_id', { table: 'users', column: 'id' }),
          enumColumn('role', WORKSPACE_ROLES, { default: 'manager' }),
          enumColumn('status', MEMBERSHIP_STATUSES, { default: 'active' }),
          await referencingColumn(qr, 'created_by', { table: 'users', column: 'id' }),
          ...timestamps(),
          datetimeColumn('deleted_at'),
          unsignedBigint('deleted_by', nullable),
        ],
        foreignKeys: [
          foreignKey('teams', 'workspace_id', 'workspaces', 'CASCADE'),
          foreignKey('teams', 'user_id', 'users', 'CASCADE'),
        ],
      }),
  },
  {
    name: 'contacts',
    ensure: ['deleted_at'],
    build: (qr) =>
      new Table({
        name: 'contacts',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          // Blazz's type: int, not the bigint of workspaces.id (no foreign key in Blazz either).
          int('workspace_id'),
          varchar('first_name', 128, nullable),
          varchar('last_name', 128, nullable),
          varchar('full_name', 255, nullable),
          varchar('phone', 255, nullable),
          varchar('email', 255, nullable),
          varchar('avatar', 255, nullable),
          text('address', nullable),
          text('metadata', nullable),
          int('contact_group_id', nullable),
          { name: 'is_favorite', type: 'tinyint', default: 0 },
          int('created_by', { default: 0 }),
          ...timestamps(),
          datetimeColumn('deleted_at'),
        ],
        indices: [index('contacts', ['workspace_id', 'phone'], 'unique')],
      }),
  },
  {
    name: 'chats',
    build: (qr) =>
      new Table({
        name: 'chats',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          int('workspace_id'),
          varchar('wam_id', 128, nullable),
          int('contact_id'),
          unsignedBigint('user_id', nullable),
          enumColumn('type', CHAT_TYPES, { isNullable: true }),
          text('metadata'),
          int('media_id', nullable),
          varchar('status', 128, nullable),
          int('deleted_by', nullable),
          datetimeColumn('deleted_at'),
          datetimeColumn('created_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('updated_at'),
        ],
        indices: [index('chats', ['contact_id', 'created_at']), index('chats', ['wam_id'])],
      }),
  },
  {
    name: 'chat_logs',
    build: (qr) =>
      new Table({
        name: 'chat_logs',
        columns: [
          idColumn(qr),
          int('contact_id'),
          varchar('entity_type', 128),
          int('entity_id'),
          int('deleted_by', nullable),
          datetimeColumn('deleted_at'),
          ...timestamps(),
        ],
        indices: [index('chat_logs', ['contact_id'])],
      }),
  },
  {
    name: 'chat_media',
    build: (qr) =>
      new Table({
        name: 'chat_media',
        columns: [
          idColumn(qr),
          varchar('name', 255),
          varchar('original_path', 255, nullable),
          enumColumn('location', MEDIA_LOCATIONS, { default: 'local' }),
          varchar('type', 255, nullable),
          unsignedBigint('size'),
          datetimeColumn('created_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('updated_at'),
          datetimeColumn('deleted_at'),
        ],
      }),
  },
  {
    name: 'campaigns',
    build: (qr) =>
      new Table({
        name: 'campaigns',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          int('workspace_id'),
          varchar('name', 128),
          int('template_id', nullable),
          int('contact_group_id', nullable),
          text('metadata', nullable),
          varchar('status', 128, { default: sqlString('pending') }),
          datetimeColumn('scheduled_at'),
          int('created_by'),
          int('deleted_by', nullable),
          datetimeColumn('deleted_at'),
          datetimeColumn('created_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('updated_at'),
        ],
      }),
  },
  {
    name: 'campaign_logs',
    build: (qr) =>
      new Table({
        name: 'campaign_logs',
        columns: [
          idColumn(qr),
          int('campaign_id'),
          int('contact_id'),
          int('chat_id', nullable),
          text('metadata', nullable),
          enumColumn('status', CAMPAIGN_LOG_STATUSES, { default: 'pending' }),
          int('retry_count', { default: 0 }),
          ...timestamps(),
        ],
        indices: [index('campaign_logs', ['campaign_id'])],
      }),
  },
  {
    name: 'settings',
    build: () =>
      new Table({
        name: 'settings',
        columns: [varchar('key', 255, { isPrimary: true }), text('value', nullable)],
      }),
  },
  {
    name: 'subscription_plans',
    build: (qr) =>
      new Table({
        name: 'subscription_plans',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          varchar('name', 100),
          { name: 'price', type: 'decimal', precision: 23, scale: 2 },
          enumColumn('period', PLAN_PERIODS),
          text('metadata', nullable),
          enumColumn('status', PLAN_STATUSES, { default: 'active' }),
          ...timestamps(),
          datetimeColumn('deleted_at'),
        ],
      }),
  },
  {
    name: 'subscriptions',
    build: async (qr) =>
      new Table({
        name: 'subscriptions',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          await referencingColumn(qr, 'workspace_id', { table: 'workspaces', column: 'id' }),
          await referencingColumn(
            qr,
            'plan_id',
            { table: 'subscription_plans', column: 'id' },
            nullable,
          ),
          text('payment_details', nullable),
          datetimeColumn('start_date'),
          datetimeColumn('valid_until'),
          enumColumn('status', SUBSCRIPTION_STATUSES),
          ...timestamps(),
        ],
        foreignKeys: [foreignKey('subscriptions', 'workspace_id', 'workspaces', 'CASCADE')],
      }),
  },
  {
    name: 'templates',
    build: async (qr) =>
      new Table({
        name: 'templates',
        columns: [
          idColumn(qr),
          char('uuid', 50),
          await referencingColumn(qr, 'workspace_id', { table: 'workspaces', column: 'id' }),
          varchar('meta_id', 128, nullable),
          varchar('name', 128),
          varchar('category', 128),
          varchar('language', 128),
          text('metadata'),
          varchar('status', 128),
          await referencingColumn(qr, 'created_by', { table: 'users', column: 'id' }),
          ...timestamps(),
          datetimeColumn('deleted_at'),
        ],
        foreignKeys: [foreignKey('templates', 'workspace_id', 'workspaces', 'CASCADE')],
      }),
  },
];

export const BLAZZ_CORE_TABLES: readonly string[] = CORE_TABLES.map((spec) => spec.name);

export class AdoptBlazzCoreTables1764000100000 implements MigrationInterface {
  name = 'AdoptBlazzCoreTables1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    for (const spec of CORE_TABLES) {
      if (!(await queryRunner.hasTable(spec.name))) {
        await queryRunner.createTable(await spec.build(queryRunner), false, true, true);
        await notes.record(`table:${spec.name}`);
        continue;
      }
      for (const columnName of spec.ensure ?? []) {
        if (await queryRunner.hasColumn(spec.name, columnName)) continue;
        const definition = (await spec.build(queryRunner)).findColumnByName(columnName);
        if (!definition)
          throw new Error(`${spec.name}.${columnName} is not in the core table definition`);
        await addColumnInPlace(
          queryRunner,
          spec.name,
          new TableColumn({ ...definition, isNullable: true }),
        );
        await notes.record(`column:${spec.name}.${columnName}`);
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    for (const column of await notes.list('column:')) {
      const [table, name] = column.split('.') as [string, string];
      await dropColumnInPlace(queryRunner, table, name);
      await notes.forget(`column:${column}`);
    }
    const created = new Set(await notes.list('table:'));
    for (const spec of [...CORE_TABLES].reverse()) {
      if (!created.has(spec.name)) continue;
      await queryRunner.dropTable(spec.name, false, true, true);
      await notes.forget(`table:${spec.name}`);
    }
  }
}
