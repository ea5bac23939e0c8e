import type { DataSource, QueryRunner } from 'typeorm';

/**
 * A Blazz database as Switchboard finds it (blazz-reference §4 intro: Blazz before its WhatsApp Web
 * integration): the core tables in Laravel's own DDL, with the deviations real installs have
 * (varchar(191), `contacts.workspace_id` int, `users.id` int from an old `increments()`, some foreign
 * keys absent, `chat_media` missing, `teams` without soft deletes, `campaigns.created_at ON UPDATE`),
 * Laravel's `migrations` table, and data: Meta credentials complete, incomplete and absent, extra
 * metadata keys, bcrypt `$2y$` passwords, duplicate `wam_id`s, soft-deleted rows, plans with and
 * without a WhatsApp limit, existing settings and an orphan row left by an old hard delete.
 */

type Dialect = 'mysql' | 'sqlite';

/** The password of every fixture user (Laravel's well-known factory hash below). */
export const BLAZZ_FIXTURE_PASSWORD = 'password';
const PASSWORD_HASH = '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi';

export type MetaCredentialKey =
  'access_token' | 'api_version' | 'app_id' | 'phone_number_id' | 'waba_id';

export interface BlazzFixture {
  /** Workspaces whose `metadata.whatsapp` holds all five Meta credentials. */
  completeCredentials: Array<{
    workspaceId: number;
    credentials: Record<MetaCredentialKey, string | number>;
    /** Digits of `display_phone_number`, or null when the workspace has none. */
    displayPhoneDigits: string | null;
    softDeleted: boolean;
  }>;
  /** Workspaces with some credential keys, some missing or empty. */
  incompleteCredentials: Array<{ workspaceId: number; missing: MetaCredentialKey[] }>;
  /** Workspaces with no credential key at all (no metadata, no `whatsapp`, or other keys only). */
  withoutCredentials: number[];
  /** Old chats sharing one provider message id. */
  duplicateWamId: { workspaceId: number; wamId: string; chatIds: number[] };
  /** What each plan's WhatsApp-number limit should be once made explicit. */
  planLimits: Array<{ planId: number; expected: number; reportExpected: boolean }>;
  /** The `settings` rows Blazz already had. */
  settings: Record<string, string | null>;
  /** Rows in Laravel's own `migrations` table. */
  laravelMigrationRows: number;
  /** Existing users (ids) with `$2y$` hashes of BLAZZ_FIXTURE_PASSWORD. */
  userIds: number[];
}

// ---------------------------------------------------------------------------------------------
// Laravel-style DDL for both engines

interface ColumnDdl {
  name: string;
  mysql: string;
  sqlite: string;
}
type TypePair = { mysql: string; sqlite: string };
interface Modifiers {
  nullable?: boolean;
  default?: string;
  /** MySQL-only tail, e.g. Blazz's `on update CURRENT_TIMESTAMP`. */
  mysqlExtra?: string;
}

const types = {
  bigIncrements: {
    mysql: 'bigint unsigned not null auto_increment primary key',
    sqlite: 'integer primary key autoincrement not null',
  },
  increments: {
    mysql: 'int unsigned not null auto_increment primary key',
    sqlite: 'integer primary key autoincrement not null',
  },
  string: (length = 191): TypePair => ({ mysql: `varchar(${String(length)})`, sqlite: 'varchar' }),
  char: (length: number): TypePair => ({ mysql: `char(${length})`, sqlite: 'varchar' }),
  integer: { mysql: 'int', sqlite: 'integer' },
  unsignedInteger: { mysql: 'int unsigned', sqlite: 'integer' },
  unsignedBigInteger: { mysql: 'bigint unsigned', sqlite: 'integer' },
  tinyInteger: { mysql: 'tinyint', sqlite: 'integer' },
  boolean: { mysql: 'tinyint(1)', sqlite: 'tinyint(1)' },
  text: { mysql: 'text', sqlite: 'text' },
  json: { mysql: 'json', sqlite: 'text' },
  timestamp: { mysql: 'timestamp', sqlite: 'datetime' },
  dateTime: { mysql: 'datetime', sqlite: 'datetime' },
  date: { mysql: 'date', sqlite: 'date' },
  decimal: (precision: number, scale: number): TypePair => ({
    mysql: `decimal(${precision}, ${scale})`,
    sqlite: 'numeric',
  }),
} satisfies Record<string, TypePair | ((...args: never[]) => TypePair)>;

function col(name: string, type: TypePair, modifiers: Modifiers = {}): ColumnDdl {
  if (type.mysql.includes('primary key')) {
    return { name, mysql: `\`${name}\` ${type.mysql}`, sqlite: `"${name}" ${type.sqlite}` };
  }
  const defaultClause = modifiers.default === undefined ? '' : ` default ${modifiers.default}`;
  const mysqlExtra = modifiers.mysqlExtra ? ` ${modifiers.mysqlExtra}` : '';
  return {
    name,
    mysql: `\`${name}\` ${type.mysql} ${modifiers.nullable ? 'null' : 'not null'}${defaultClause}${mysqlExtra}`,
    sqlite: `"${name}" ${type.sqlite}${modifiers.nullable ? '' : ' not null'}${defaultClause}`,
  };
}

/** Laravel's enum: native ENUM on MySQL, `varchar check (… in (…))` on SQLite. */
function enumCol(name: string, values: string[], modifiers: Modifiers = {}): ColumnDdl {
  const list = values.map((value) => `'${value}'`).join(', ');
  return col(
    name,
    { mysql: `enum(${list})`, sqlite: `varchar check ("${name}" in (${list}))` },
    modifiers,
  );
}

const timestamps = (): ColumnDdl[] => [
  col('created_at', types.timestamp, { nullable: true }),
  col('updated_at', types.timestamp, { nullable: true }),
];
const softDeletes = (): ColumnDdl => col('deleted_at', types.timestamp, { nullable: true });

interface TableDdl {
  name: string;
  columns: ColumnDdl[];
  primaryKey?: string;
  indexes?: Array<{ columns: string[]; unique?: boolean }>;
  foreignKeys?: Array<{ column: string; references: string; onDelete: 'cascade' }>;
}

function tableStatements(table: TableDdl, dialect: Dialect): string[] {
  const statements: string[] = [];
  const indexName = (columns: string[], unique?: boolean) =>
    `${table.name}_${columns.join('_')}_${unique ? 'unique' : 'index'}`;
  if (dialect === 'mysql') {
    statements.push(
      `create table \`${table.name}\` (${table.columns.map((column) => column.mysql).join(', ')}) ` +
        "default character set utf8mb4 collate 'utf8mb4_unicode_ci' engine = InnoDB",
    );
    if (table.primaryKey)
      statements.push(`alter table \`${table.name}\` add primary key (\`${table.primaryKey}\`)`);
    for (const index of table.indexes ?? []) {
      const columns = index.columns.map((name) => `\`${name}\``).join(', ');
      statements.push(
        `alter table \`${table.name}\` add ${index.unique ? 'unique' : 'index'} \`${indexName(index.columns, index.unique)}\`(${columns})`,
      );
    }
    for (const fk of table.foreignKeys ?? []) {
      statements.push(
        `alter table \`${table.name}\` add constraint \`${table.name}_${fk.column}_foreign\` foreign key (\`${fk.column}\`) ` +
          `references \`${fk.references}\` (\`id\`) on delete ${fk.onDelete}`,
      );
    }
    return statements;
  }
  const parts = table.columns.map((column) => column.sqlite);
  if (table.primaryKey) parts.push(`primary key ("${table.primaryKey}")`);
  for (const fk of table.foreignKeys ?? []) {
    parts.push(
      `foreign key("${fk.column}") references "${fk.references}"("id") on delete ${fk.onDelete}`,
    );
  }
  statements.push(`create table "${table.name}" (${parts.join(', ')})`);
  for (const index of table.indexes ?? []) {
    const columns = index.columns.map((name) => `"${name}"`).join(', ');
    statements.push(
      `create ${index.unique ? 'unique ' : ''}index "${indexName(index.columns, index.unique)}" on "${table.name}" (${columns})`,
    );
  }
  return statements;
}

const TABLES: TableDdl[] = [
  {
    name: 'migrations',
    columns: [
      col('id', types.increments),
      col('migration', types.string()),
      col('batch', types.integer),
    ],
  },
  {
    name: 'users',
    // An install from before Laravel's id(): int unsigned keys.
    columns: [
      col('id', types.increments),
      col('first_name', types.string(128)),
      col('last_name', types.string(128), { nullable: true }),
      col('email', types.string()),
      col('avatar', types.string(), { nullable: true }),
      col('role', types.string(), { default: "'user'" }),
      col('phone', types.string(), { nullable: true }),
      col('address', types.text, { nullable: true }),
      col('email_verified_at', types.timestamp, { nullable: true }),
      col('password', types.string(), { nullable: true }),
      col('tfa_secret', types.string(), { nullable: true }),
      col('tfa', types.tinyInteger, { default: "'0'" }),
      col('status', types.integer, { default: "'1'" }),
      col('meta', types.text, { nullable: true }),
      col('plan', types.text, { nullable: true }),
      col('plan_id', types.unsignedBigInteger, { nullable: true }),
      col('will_expire', types.date, { nullable: true }),
      col('remember_token', types.string(100), { nullable: true }),
      ...timestamps(),
      softDeletes(),
    ],
    indexes: [{ columns: ['email', 'deleted_at'], unique: true }],
  },
  {
    name: 'workspaces',
    // deleted_by came later in Blazz: absent here.
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('identifier', types.string(128)),
      col('name', types.string(), { nullable: true }),
      col('address', types.text, { nullable: true }),
      col('metadata', types.json, { nullable: true }),
      col('timezone', types.string(128)),
      col('created_by', types.unsignedBigInteger),
      ...timestamps(),
      softDeletes(),
    ],
    indexes: [{ columns: ['uuid'], unique: true }],
  },
  {
    name: 'teams',
    // No soft deletes yet in this install.
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('workspace_id', types.unsignedBigInteger),
      col('user_id', types.unsignedInteger),
      enumCol('role', ['owner', 'manager', 'agent'], { default: "'manager'" }),
      enumCol('status', ['active', 'suspended'], { default: "'active'" }),
      col('created_by', types.unsignedInteger),
      ...timestamps(),
    ],
    foreignKeys: [
      { column: 'workspace_id', references: 'workspaces', onDelete: 'cascade' },
      { column: 'user_id', references: 'users', onDelete: 'cascade' },
    ],
  },
  {
    name: 'contacts',
    // workspace_id int, and no unique(workspace_id, phone): soft-deleted duplicates exist.
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('workspace_id', types.integer),
      col('first_name', types.string(128), { nullable: true }),
      col('last_name', types.string(128), { nullable: true }),
      col('phone', types.string(), { nullable: true }),
      col('email', types.string(), { nullable: true }),
      col('avatar', types.string(), { nullable: true }),
      col('address', types.text, { nullable: true }),
      col('metadata', types.text, { nullable: true }),
      col('contact_group_id', types.integer, { nullable: true }),
      col('is_favorite', types.tinyInteger, { default: "'0'" }),
      col('created_by', types.integer, { default: "'0'" }),
      ...timestamps(),
      softDeletes(),
    ],
  },
  {
    name: 'chats',
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('workspace_id', types.integer),
      col('wam_id', types.string(128), { nullable: true }),
      col('contact_id', types.integer),
      enumCol('type', ['inbound', 'outbound'], { nullable: true }),
      col('metadata', types.text),
      col('media_id', types.integer, { nullable: true }),
      col('status', types.string(128), { nullable: true }),
      col('deleted_by', types.integer, { nullable: true }),
      col('deleted_at', types.dateTime, { nullable: true }),
      col('created_at', types.timestamp, { default: 'CURRENT_TIMESTAMP' }),
    ],
    indexes: [{ columns: ['contact_id'] }],
  },
  {
    name: 'chat_logs',
    columns: [
      col('id', types.bigIncrements),
      col('contact_id', types.integer),
      col('entity_type', types.string(128)),
      col('entity_id', types.integer),
      col('deleted_by', types.integer, { nullable: true }),
      softDeletes(),
      ...timestamps(),
    ],
  },
  {
    name: 'campaigns',
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('workspace_id', types.integer),
      col('name', types.string(128)),
      col('template_id', types.integer, { nullable: true }),
      col('contact_group_id', types.integer, { nullable: true }),
      col('metadata', types.text, { nullable: true }),
      col('status', types.string(128), { default: "'pending'" }),
      col('scheduled_at', types.dateTime, { nullable: true }),
      col('created_by', types.integer),
      col('deleted_by', types.integer, { nullable: true }),
      softDeletes(),
      // Blazz's bug, kept: the creation time changes on every update.
      col('created_at', types.timestamp, {
        default: 'CURRENT_TIMESTAMP',
        mysqlExtra: 'on update CURRENT_TIMESTAMP',
      }),
      col('updated_at', types.timestamp, { nullable: true }),
    ],
  },
  {
    name: 'campaign_logs',
    columns: [
      col('id', types.bigIncrements),
      col('campaign_id', types.integer),
      col('contact_id', types.integer),
      col('chat_id', types.integer, { nullable: true }),
      col('metadata', types.text, { nullable: true }),
      enumCol('status', ['pending', 'success', 'failed', 'ongoing'], { default: "'pending'" }),
      ...timestamps(),
    ],
  },
  {
    name: 'settings',
    columns: [col('key', types.string()), col('value', types.text, { nullable: true })],
    primaryKey: 'key',
  },
  {
    name: 'subscription_plans',
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('name', types.string(100)),
      col('price', types.decimal(23, 2)),
      enumCol('period', ['monthly', 'yearly']),
      col('metadata', types.text),
      enumCol('status', ['active', 'inactive', 'deleted']),
      ...timestamps(),
      softDeletes(),
    ],
  },
  {
    name: 'subscriptions',
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('workspace_id', types.unsignedBigInteger),
      col('plan_id', types.unsignedBigInteger, { nullable: true }),
      col('payment_details', types.text, { nullable: true }),
      col('start_date', types.timestamp, { nullable: true }),
      col('valid_until', types.dateTime, { nullable: true }),
      enumCol('status', ['trial', 'active']),
      ...timestamps(),
    ],
    foreignKeys: [{ column: 'workspace_id', references: 'workspaces', onDelete: 'cascade' }],
  },
  {
    name: 'templates',
    // No foreign keys in this install.
    columns: [
      col('id', types.bigIncrements),
      col('uuid', types.char(50)),
      col('workspace_id', types.unsignedBigInteger),
      col('meta_id', types.string(128), { nullable: true }),
      col('name', types.string(128)),
      col('category', types.string(128)),
      col('language', types.string(128)),
      col('metadata', types.text),
      col('status', types.string(128)),
      col('created_by', types.unsignedInteger),
      ...timestamps(),
      softDeletes(),
    ],
  },
  {
    // Not a core table: Switchboard must not touch it at all.
    name: 'workspace_settings',
    columns: [
      col('id', types.bigIncrements),
      col('workspace_id', types.integer),
      col('key', types.string(100)),
      col('value', types.text, { nullable: true }),
      col('type', types.string(), { default: "'string'" }),
      col('description', types.string(), { nullable: true }),
      col('is_encrypted', types.boolean, { default: "'0'" }),
      ...timestamps(),
    ],
    indexes: [{ columns: ['workspace_id', 'key'], unique: true }],
  },
];

// ---------------------------------------------------------------------------------------------
// Data

type Row = Record<string, string | number | null>;

const T0 = '2024-03-01 09:00:00';
const T1 = '2025-06-15 12:30:00';
const T2 = '2025-09-30 18:45:10';

// JSON text exactly as the writers left it: PHP's json_encode (`\/`, `\u00e9`), compact JS, and the
// spaced form MySQL 8 returns.
const WORKSPACE_METADATA: Record<number, string | null> = {
  1:
    '{"company":"Caf\\u00e9 \\u00d1and\\u00fa","default_whatsapp_accounts_limit":3,"whatsapp":{"is_embedded_signup":0,' +
    '"access_token":"EAAGacmeTOKEN1234567890","verified_name":"Acme Caf\\u00e9","api_version":"v18.0",' +
    '"display_phone_number":"+1 555-010-0001","app_id":"701234567890","webhook_url":"https:\\/\\/acme.example\\/webhook\\/whatsapp\\/acme",' +
    '"phone_number_id":"109876543210","business_profile":{"about":"Hola","address":"Stra\\u00dfe 1","websites":[]},' +
    '"waba_id":"204060801","webhook_verify_token":"vtok-acme","quality_rating":"GREEN","connected_at":"2025-06-01 10:00:00"},' +
    '"tickets":{"active":true,"assignees":[2,3]}}',
  2:
    '{"contacts":{"fields":[{"name":"VIP","type":"boolean"}]},"campaign_defaults":{"footer":"Sent via https://beta.example/opt-out"},' +
    '"whatsapp":{"access_token":"EAAGbetaTOKEN0987654321","api_version":"v19.0","app_id":7099,"phone_number_id":"5550002",' +
    '"waba_id":"9990002","webhook_configured":true}}',
  3:
    '{"whatsapp": {"waba_id": "300300", "phone_number_id": "300301", "app_id": "300302", "api_version": "v17.0", ' +
    '"access_token": "EAAGgammaTOKEN", "display_phone_number": "(555) 010-0003", "name_status": "APPROVED"}, "plan_note": "legacy"}',
  4:
    '{"whatsapp":{"access_token":"EAAGdeltaTOKEN","api_version":"v18.0","app_id":"","verified_name":"Delta",' +
    '"webhook_verify_token":"vtok-delta"},"notes":"signup abandoned"}',
  5: '{"whatsapp":{"access_token":null,"api_version":"v18.0","app_id":"705","phone_number_id":"5550005","waba_id":"9990005"}}',
  6: '{"default_whatsapp_accounts_limit":2,"timezone_hint":"Asia/Jakarta"}',
  7: null,
  8: '{"whatsapp":{"is_embedded_signup":1,"webhook_configured":false}}',
};

function workspaceRows(): Row[] {
  const names = ['Acme', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta', 'Eta', 'Theta'];
  return names.map((name, index) => {
    const id = index + 1;
    return {
      id,
      uuid: `ws-${id}-0000-4000-8000-${String(id).padStart(12, '0')}`,
      identifier: `${name.toLowerCase()}${id}`,
      name,
      address: id % 2 === 0 ? null : `${id} Main Street`,
      metadata: WORKSPACE_METADATA[id] ?? null,
      timezone: id === 6 ? 'Asia/Jakarta' : 'UTC',
      created_by: id <= 3 ? 2 : 1,
      created_at: T0,
      updated_at: T1,
      deleted_at: id === 3 ? T2 : null,
    };
  });
}

const DATA: Array<{ table: string; rows: Row[] }> = [
  {
    table: 'migrations',
    rows: [
      '2014_10_12_000000_create_users_table',
      '2014_10_12_100000_create_password_resets_table',
      '2019_08_19_000000_create_failed_jobs_table',
      '2023_01_10_000000_create_workspaces_table',
      '2023_01_10_000001_create_teams_table',
      '2023_01_11_000000_create_contacts_table',
      '2023_01_11_000001_create_chats_table',
      '2023_02_01_000000_create_campaigns_table',
      '2023_02_01_000001_create_campaign_logs_table',
      '2023_03_01_000000_create_subscription_plans_table',
      '2024_10_16_000000_change_workspaces_metadata_to_json',
      '2025_01_20_000000_rename_chat_status_logs',
    ].map((migration, index) => ({ id: index + 1, migration, batch: index < 10 ? 1 : 2 })),
  },
  {
    table: 'users',
    rows: [
      user(1, 'Ada', 'Admin', 'admin@blazz.test', 'admin', null),
      user(2, 'Owen', 'Owner', 'owner@acme.test', 'user', null),
      user(3, 'Agnes', null, 'agent@acme.test', 'user', null),
      // Re-registered after a soft delete: unique(email, deleted_at) allows it.
      user(4, 'Agnes', 'Old', 'agent@acme.test', 'user', T1),
      { ...user(5, 'Fay', 'Facebook', 'fay@social.test', 'user', null), password: null },
    ],
  },
  { table: 'workspaces', rows: workspaceRows() },
  {
    table: 'teams',
    rows: [
      team(1, 1, 2, 'owner'),
      team(2, 1, 3, 'agent'),
      team(3, 2, 2, 'owner'),
      team(4, 3, 2, 'owner'),
      team(5, 4, 1, 'manager', 'suspended'),
    ],
  },
  {
    table: 'contacts',
    rows: [
      contact(1, 1, 'Carla', '+15550100101', null),
      contact(2, 1, 'Dan', '+15550100102', null),
      // Soft-deleted duplicate of contact 2's phone, under what later became unique(workspace_id, phone).
      contact(3, 1, 'Dan (old)', '+15550100102', T1),
      contact(4, 2, 'Eve', '+4915100000004', null),
      { ...contact(5, 2, 'Group: Friends', '120363000000000005@g.us', null), email: null },
    ],
  },
  {
    table: 'chats',
    rows: [
      chat(1, 1, 'wamid.HBgLMTU1NTAxMDAxMDEVAgASGBQzQUQ2', 1, 'inbound', 'Hello'),
      // Meta retried the webhook: the same provider message id twice.
      chat(2, 1, 'wamid.HBgLMTU1NTAxMDAxMDEVAgASGBQzQUQ2', 1, 'inbound', 'Hello'),
      chat(3, 1, 'wamid.OUTBOUND000000000000000000000003', 1, 'outbound', 'Hi Carla'),
      chat(4, 1, null, 2, 'outbound', 'Queued, never sent'),
      {
        ...chat(5, 1, 'wamid.DELETED00000000000000000000000005', 2, 'inbound', 'spam'),
        deleted_at: T2,
        deleted_by: 2,
      },
      chat(
        6,
        2,
        'wamid.HBgLMTU1NTAxMDAxMDEVAgASGBQzQUQ2',
        4,
        'inbound',
        'Same id, other workspace',
      ),
    ],
  },
  {
    table: 'chat_logs',
    rows: [1, 2, 3, 4, 5].map((id) => ({
      id,
      contact_id: id <= 4 ? 1 : 2,
      entity_type: id === 4 ? 'notes' : 'chat',
      entity_id: id,
      deleted_by: id === 5 ? 2 : null,
      deleted_at: id === 5 ? T2 : null,
      created_at: T1,
      updated_at: T1,
    })),
  },
  {
    table: 'campaigns',
    rows: [
      {
        id: 1,
        uuid: 'cmp-1',
        workspace_id: 1,
        name: 'Spring sale',
        template_id: 1,
        contact_group_id: 7,
        metadata: '{"variables":["first_name"]}',
        status: 'completed',
        scheduled_at: T1,
        created_by: 2,
        deleted_by: null,
        deleted_at: null,
        created_at: T1,
        updated_at: T2,
      },
      {
        id: 2,
        uuid: 'cmp-2',
        workspace_id: 1,
        name: 'Abandoned',
        template_id: null,
        contact_group_id: null,
        metadata: null,
        status: 'pending',
        scheduled_at: null,
        created_by: 2,
        deleted_by: 2,
        deleted_at: T2,
        created_at: T1,
        updated_at: T1,
      },
    ],
  },
  {
    table: 'campaign_logs',
    rows: [
      {
        id: 1,
        campaign_id: 1,
        contact_id: 1,
        chat_id: 3,
        metadata: '{"ack_level":3}',
        status: 'success',
        created_at: T1,
        updated_at: T2,
      },
      {
        id: 2,
        campaign_id: 1,
        contact_id: 2,
        chat_id: null,
        metadata: null,
        status: 'failed',
        created_at: T1,
        updated_at: T2,
      },
    ],
  },
  {
    table: 'settings',
    rows: [
      { key: 'company_name', value: 'Blazz Demo' },
      { key: 'currency', value: 'USD' },
      { key: 'pusher_app_id', value: '1700001' },
      { key: 'pusher_app_key', value: 'blazz-pusher-key' },
      { key: 'pusher_app_secret', value: 'blazz-pusher-secret' },
      { key: 'pusher_app_cluster', value: 'ap1' },
      // Present but empty: still Blazz's value, not to be replaced by a default.
      { key: 'pusher_port', value: '' },
    ],
  },
  {
    table: 'subscription_plans',
    rows: [
      plan(
        1,
        'Trial',
        '0.00',
        '{"campaign_limit":"1","message_limit":"100","contacts_limit":"50","team_limit":"1"}',
        null,
      ),
      plan(
        2,
        'Pro',
        '29.99',
        '{"campaign_limit":"10","limits":{"whatsapp_accounts":3},"features":["3 WhatsApp sessions"]}',
        null,
      ),
      plan(
        3,
        'Business',
        '99.00',
        '{"max_whatsapp_numbers":5,"limits":{"whatsapp_accounts":2}}',
        null,
      ),
      plan(4, 'Legacy', '10.50', '{"max_whatsapp_numbers":"10"}', T2),
      plan(5, 'Odd', '1.00', '{"limits":{"whatsapp_accounts":"unlimited"}}', null),
    ],
  },
  {
    table: 'subscriptions',
    rows: [
      subscription(1, 1, 2, 'active'),
      subscription(2, 2, 1, 'trial'),
      subscription(3, 6, null, 'trial'),
    ],
  },
  {
    table: 'templates',
    rows: [
      template(1, 1, 'meta-tpl-1', 'spring_sale', 'APPROVED', null),
      template(2, 1, null, 'draft_offer', 'DRAFT', T2),
    ],
  },
  {
    table: 'workspace_settings',
    rows: [
      {
        id: 1,
        workspace_id: 1,
        key: 'auto_reply',
        value: 'on',
        type: 'string',
        description: null,
        is_encrypted: 0,
        created_at: T1,
        updated_at: T1,
      },
      {
        id: 2,
        workspace_id: 2,
        key: 'openai_key',
        value: 'enc:abc',
        type: 'string',
        description: 'AI',
        is_encrypted: 1,
        created_at: T1,
        updated_at: T1,
      },
    ],
  },
];

// A subscription of a workspace hard-deleted long ago: a foreign key violation Blazz already had.
const ORPHAN: { table: string; row: Row } = {
  table: 'subscriptions',
  row: subscription(4, 99, 1, 'active'),
};

function user(
  id: number,
  first: string,
  last: string | null,
  email: string,
  role: string,
  deletedAt: string | null,
): Row {
  return {
    id,
    first_name: first,
    last_name: last,
    email,
    avatar: null,
    role,
    phone: null,
    address: null,
    email_verified_at: T0,
    password: PASSWORD_HASH,
    tfa_secret: null,
    tfa: 0,
    status: 1,
    meta: null,
    plan: null,
    plan_id: null,
    will_expire: null,
    remember_token: id === 2 ? 'rememberme0123456789' : null,
    created_at: T0,
    updated_at: T1,
    deleted_at: deletedAt,
  };
}

function team(
  id: number,
  workspaceId: number,
  userId: number,
  role: string,
  status = 'active',
): Row {
  return {
    id,
    uuid: `team-${id}`,
    workspace_id: workspaceId,
    user_id: userId,
    role,
    status,
    created_by: 1,
    created_at: T0,
    updated_at: T1,
  };
}

function contact(
  id: number,
  workspaceId: number,
  name: string,
  phone: string,
  deletedAt: string | null,
): Row {
  return {
    id,
    uuid: `contact-${id}`,
    workspace_id: workspaceId,
    first_name: name,
    last_name: null,
    phone,
    email: `c${id}@example.test`,
    avatar: null,
    address: null,
    metadata: id === 1 ? '{"city":"Berlin"}' : null,
    contact_group_id: null,
    is_favorite: id === 1 ? 1 : 0,
    created_by: 0,
    created_at: T0,
    updated_at: T1,
    deleted_at: deletedAt,
  };
}

function chat(
  id: number,
  workspaceId: number,
  wamId: string | null,
  contactId: number,
  type: string,
  body: string,
): Row {
  return {
    id,
    uuid: `chat-${id}`,
    workspace_id: workspaceId,
    wam_id: wamId,
    contact_id: contactId,
    type,
    metadata: JSON.stringify({ type: 'text', text: { body } }),
    media_id: null,
    status: type === 'inbound' ? 'received' : 'sent',
    deleted_by: null,
    deleted_at: null,
    created_at: `2025-07-0${id} 08:00:00`,
  };
}

function plan(
  id: number,
  name: string,
  price: string,
  metadata: string,
  deletedAt: string | null,
): Row {
  return {
    id,
    uuid: `plan-${id}`,
    name,
    price,
    period: id === 3 ? 'yearly' : 'monthly',
    metadata,
    status: deletedAt ? 'deleted' : 'active',
    created_at: T0,
    updated_at: T1,
    deleted_at: deletedAt,
  };
}

function subscription(id: number, workspaceId: number, planId: number | null, status: string): Row {
  return {
    id,
    uuid: `sub-${id}`,
    workspace_id: workspaceId,
    plan_id: planId,
    payment_details: planId === 2 ? '{"gateway":"stripe","id":"pi_123"}' : null,
    start_date: T0,
    valid_until: '2026-03-01 00:00:00',
    status,
    created_at: T0,
    updated_at: T1,
  };
}

function template(
  id: number,
  workspaceId: number,
  metaId: string | null,
  name: string,
  status: string,
  deletedAt: string | null,
): Row {
  return {
    id,
    uuid: `tpl-${id}`,
    workspace_id: workspaceId,
    meta_id: metaId,
    name,
    category: 'MARKETING',
    language: 'en_US',
    metadata: '{"components":[{"type":"BODY","text":"Hi {{1}}"}]}',
    status,
    created_by: 2,
    created_at: T1,
    updated_at: T1,
    deleted_at: deletedAt,
  };
}

// ---------------------------------------------------------------------------------------------

function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/** Builds the Blazz database through `dataSource`, which must point at an empty database. */
export async function buildBlazzFixture(dataSource: DataSource): Promise<BlazzFixture> {
  const dialect = dialectOf(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    for (const table of TABLES) {
      for (const statement of tableStatements(table, dialect)) await runner.query(statement);
    }
    for (const { table, rows } of DATA) {
      for (const row of rows) await insert(runner, table, row);
    }
    await withForeignKeysOff(runner, dialect, () => insert(runner, ORPHAN.table, ORPHAN.row));
  } finally {
    await runner.release();
  }
  return describeFixture();
}

function describeFixture(): BlazzFixture {
  return {
    completeCredentials: [
      {
        workspaceId: 1,
        credentials: {
          access_token: 'EAAGacmeTOKEN1234567890',
          api_version: 'v18.0',
          app_id: '701234567890',
          phone_number_id: '109876543210',
          waba_id: '204060801',
        },
        displayPhoneDigits: '15550100001',
        softDeleted: false,
      },
      {
        workspaceId: 2,
        credentials: {
          access_token: 'EAAGbetaTOKEN0987654321',
          api_version: 'v19.0',
          app_id: 7099,
          phone_number_id: '5550002',
          waba_id: '9990002',
        },
        displayPhoneDigits: null,
        softDeleted: false,
      },
      {
        workspaceId: 3,
        credentials: {
          access_token: 'EAAGgammaTOKEN',
          api_version: 'v17.0',
          app_id: '300302',
          phone_number_id: '300301',
          waba_id: '300300',
        },
        displayPhoneDigits: '5550100003',
        softDeleted: true,
      },
    ],
    incompleteCredentials: [
      { workspaceId: 4, missing: ['app_id', 'phone_number_id', 'waba_id'] },
      { workspaceId: 5, missing: ['access_token'] },
    ],
    withoutCredentials: [6, 7, 8],
    duplicateWamId: {
      workspaceId: 1,
      wamId: 'wamid.HBgLMTU1NTAxMDAxMDEVAgASGBQzQUQ2',
      chatIds: [1, 2],
    },
    planLimits: [
      { planId: 1, expected: 1, reportExpected: false },
      { planId: 2, expected: 3, reportExpected: false },
      { planId: 3, expected: 5, reportExpected: false },
      { planId: 4, expected: 10, reportExpected: false },
      { planId: 5, expected: 1, reportExpected: true },
    ],
    settings: Object.fromEntries(
      (DATA.find((entry) => entry.table === 'settings')?.rows ?? []).map((row) => [
        String(row.key),
        row.value as string | null,
      ]),
    ),
    laravelMigrationRows: DATA.find((entry) => entry.table === 'migrations')?.rows.length ?? 0,
    userIds: (DATA.find((entry) => entry.table === 'users')?.rows ?? []).map((row) =>
      Number(row.id),
    ),
  };
}

async function insert(runner: QueryRunner, table: string, row: Row): Promise<void> {
  const driver = runner.connection.driver;
  const columns = Object.keys(row);
  await runner.query(
    `INSERT INTO ${driver.escape(table)} (${columns.map((name) => driver.escape(name)).join(', ')}) ` +
      `VALUES (${columns.map(() => '?').join(', ')})`,
    columns.map((name) => row[name]),
  );
}

async function withForeignKeysOff(
  runner: QueryRunner,
  dialect: Dialect,
  work: () => Promise<void>,
): Promise<void> {
  const [off, on] =
    dialect === 'mysql'
      ? ['SET foreign_key_checks = 0', 'SET foreign_key_checks = 1']
      : ['PRAGMA foreign_keys = OFF', 'PRAGMA foreign_keys = ON'];
  await runner.query(off);
  try {
    await work();
  } finally {
    await runner.query(on);
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshots

export type SnapshotValue = string | number | null;
export type SnapshotRow = Record<string, SnapshotValue>;

export interface TableSnapshot {
  columns: string[];
  /** Every row, values normalised (dates as ISO text, buffers as base64), sorted by id or content. */
  rows: SnapshotRow[];
}

/** Every base table of the database (SQLite's internal tables excluded), by name. */
export type DatabaseSnapshot = Record<string, TableSnapshot>;

export async function snapshotDatabase(dataSource: DataSource): Promise<DatabaseSnapshot> {
  const dialect = dialectOf(dataSource);
  const escape = (name: string) => dataSource.driver.escape(name);
  const snapshot: DatabaseSnapshot = {};
  for (const table of await listTables(dataSource)) {
    const columns = await listColumns(dataSource, table, dialect);
    // mysql2 hands JSON columns back parsed (MariaDB flags its LONGTEXT json too), which would hide
    // changes in the stored text; read them as text.
    const select = columns.map(({ name, type }) =>
      dialect === 'mysql' && (type === 'json' || type === 'longtext')
        ? `CAST(${escape(name)} AS CHAR) AS ${escape(name)}`
        : escape(name),
    );
    const rows = (
      await dataSource.query<Array<Record<string, unknown>>>(
        `SELECT ${select.join(', ')} FROM ${escape(table)}`,
      )
    ).map(normaliseRow);
    rows.sort(compareRows);
    snapshot[table] = { columns: columns.map((column) => column.name), rows };
  }
  return snapshot;
}

export async function listTables(dataSource: DataSource): Promise<string[]> {
  const sql =
    dialectOf(dataSource) === 'mysql'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  const rows = await dataSource.query<Array<{ name: string }>>(sql);
  return rows.map((row) => row.name).sort();
}

async function listColumns(
  dataSource: DataSource,
  table: string,
  dialect: Dialect,
): Promise<Array<{ name: string; type: string }>> {
  const sql =
    dialect === 'mysql'
      ? 'SELECT column_name AS name, data_type AS type FROM information_schema.columns ' +
        'WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position'
      : 'SELECT name, type FROM pragma_table_info(?)';
  const rows = await dataSource.query<Array<{ name: string; type: string }>>(sql, [table]);
  return rows.map((row) => ({ name: row.name, type: row.type.toLowerCase() }));
}

/** Rows restricted to `columns`, e.g. a table's original columns after migrations added some. */
export function pickColumns(rows: SnapshotRow[], columns: string[]): SnapshotRow[] {
  return rows.map((row) =>
    Object.fromEntries(columns.map((column) => [column, row[column] ?? null])),
  );
}

function normaliseRow(row: Record<string, unknown>): SnapshotRow {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, normaliseValue(value)]),
  );
}

function normaliseValue(value: unknown): SnapshotValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `base64:${value.toString('base64')}`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  // MySQL 8 hands native JSON back parsed.
  return JSON.stringify(value);
}

function compareRows(a: SnapshotRow, b: SnapshotRow): number {
  const ida = a.id;
  const idb = b.id;
  if (ida !== undefined && idb !== undefined && ida !== null && idb !== null)
    return Number(ida) - Number(idb);
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

// ---------------------------------------------------------------------------------------------
// Schema descriptions

export interface SchemaDescription {
  tables: string[];
  /** Per table: `name [UNIQUE ](col, col)` for every index and unique constraint. */
  indexes: Record<string, string[]>;
  /** `table.column -> table.column ON DELETE action`, foreign keys of every table. */
  foreignKeys: string[];
}

export async function describeSchema(dataSource: DataSource): Promise<SchemaDescription> {
  const runner = dataSource.createQueryRunner();
  try {
    const tables = await runner.getTables(await listTables(dataSource));
    const indexes: Record<string, string[]> = {};
    const foreignKeys: string[] = [];
    for (const table of tables) {
      const entries = [
        ...table.indices.map(
          (index) =>
            `${index.name} ${index.isUnique ? 'UNIQUE ' : ''}(${index.columnNames.join(', ')})`,
        ),
        ...table.uniques.map(
          (unique) => `${unique.name} UNIQUE (${unique.columnNames.join(', ')})`,
        ),
      ];
      indexes[table.name] = [...new Set(entries)].sort();
      for (const fk of table.foreignKeys) {
        foreignKeys.push(
          `${table.name}.${fk.columnNames.join(',')} -> ${fk.referencedTableName}.${fk.referencedColumnNames.join(',')} ` +
            `ON DELETE ${fk.onDelete ?? 'NO ACTION'}`,
        );
      }
    }
    return {
      tables: tables.map((table) => table.name).sort(),
      indexes,
      foreignKeys: foreignKeys.sort(),
    };
  } finally {
    await runner.release();
  }
}

/**
 * Each table's DDL as the engine reports it (SHOW CREATE TABLE; SQLite's stored CREATE TABLE and
 * CREATE INDEX text), to compare a schema before and after migrations. MySQL's AUTO_INCREMENT
 * counter is left out: it moves with inserts, not with the schema.
 */
export async function tableDefinitions(dataSource: DataSource): Promise<Record<string, string>> {
  const definitions: Record<string, string> = {};
  if (dialectOf(dataSource) === 'mysql') {
    for (const table of await listTables(dataSource)) {
      const [row] = await dataSource.query<Array<Record<string, string>>>(
        `SHOW CREATE TABLE ${dataSource.driver.escape(table)}`,
      );
      definitions[table] = (row?.['Create Table'] ?? '').replace(/ AUTO_INCREMENT=\d+/, '');
    }
    return definitions;
  }
  const rows = await dataSource.query<Array<{ type: string; tableName: string; sql: string }>>(
    "SELECT type, tbl_name AS tableName, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name NOT LIKE 'sqlite_%' " +
      'ORDER BY tbl_name, type DESC, name',
  );
  for (const row of rows) {
    definitions[row.tableName] = definitions[row.tableName]
      ? `${definitions[row.tableName]};\n${row.sql}`
      : row.sql;
  }
  return definitions;
}
