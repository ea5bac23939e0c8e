import { randomBytes } from 'node:crypto';
import { SETTING_DEFAULTS } from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import { buildMigrations } from '@switchboard/migrations';
import {
  createTestDatabase,
  describeSchema,
  listTables,
  type TestDatabase,
} from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE, buildDataSourceOptions } from './data-source-options';
import { parseDatabaseUrl } from './database-url';
import { revertAllMigrations, revertLastMigration, runPendingMigrations } from './migration-runner';

// Runs on SQLite, or on MariaDB/MySQL when TEST_DATABASE_URL is set.

const MIGRATION_NAMES = [
  'CreateSchemaNotes1764000000000',
  'AdoptBlazzCoreTables1764000100000',
  'CreateAuthSessions1764000200000',
  'CreateWhatsappSessions1764000300000',
  'LinkMessagesToWhatsappSessions1764000400000',
  'MoveMetaCredentialsToSessions1764000500000',
  'AddPlanWhatsappNumberLimit1764000600000',
  'SeedBroadcastSettings1764000700000',
  'IndexContactsForListing1764000800000',
  'CreateEngineEvents1764000900000',
  'AddInboxColumns1764001100000',
  'IndexChatsForInbox1764001200000',
  'IndexContactsForInbox1764001300000',
  'AddChatIdempotencyKey1764001400000',
  'AddUserLocale1764001500000',
  'CreateEngines1764001700000',
  'AddNumberUnreadCount1764001800000',
];

const TABLES = [
  'auth_sessions',
  'campaign_logs',
  'campaigns',
  'chat_logs',
  'chat_media',
  'chats',
  'contact_sessions',
  'contacts',
  'engine_events',
  'engines',
  'settings',
  'subscription_plans',
  'subscriptions',
  'switchboard_schema_notes',
  'teams',
  'templates',
  'users',
  'whatsapp_sessions',
  'workspaces',
];

const INDEXES: Record<string, string[]> = {
  workspaces: ['workspaces_uuid_unique UNIQUE (uuid)'],
  users: ['users_email_deleted_at_unique UNIQUE (email, deleted_at)'],
  contacts: [
    'contacts_workspace_id_phone_unique UNIQUE (workspace_id, phone)',
    'contacts_workspace_id_id_index (workspace_id, id)',
    'contacts_workspace_id_whatsapp_id_unique UNIQUE (workspace_id, whatsapp_id)',
    'contacts_workspace_id_uuid_index (workspace_id, uuid)',
    'contacts_workspace_id_first_name_index (workspace_id, first_name)',
    'contacts_workspace_id_last_name_index (workspace_id, last_name)',
    'contacts_workspace_id_full_name_index (workspace_id, full_name)',
  ],
  auth_sessions: [
    'auth_sessions_token_hash_unique UNIQUE (token_hash)',
    'auth_sessions_user_id_index (user_id)',
  ],
  whatsapp_sessions: [
    'whatsapp_sessions_uuid_unique UNIQUE (uuid)',
    'whatsapp_sessions_session_id_unique UNIQUE (session_id)',
    'whatsapp_sessions_workspace_id_status_index (workspace_id, status)',
    'whatsapp_sessions_session_id_status_index (session_id, status)',
    'whatsapp_sessions_provider_type_is_active_index (provider_type, is_active)',
  ],
  contact_sessions: [
    'contact_sessions_contact_id_whatsapp_session_id_unique UNIQUE (contact_id, whatsapp_session_id)',
    'contact_sessions_contact_id_last_interaction_at_index (contact_id, last_interaction_at)',
    'contact_sessions_whatsapp_session_id_last_interaction_at_index (whatsapp_session_id, last_interaction_at)',
  ],
  chats: [
    'chats_workspace_id_whatsapp_session_id_created_at_index (workspace_id, whatsapp_session_id, created_at)',
    'chats_whatsapp_session_id_wam_id_unique UNIQUE (whatsapp_session_id, wam_id)',
    'chats_workspace_id_idempotency_key_unique UNIQUE (workspace_id, idempotency_key)',
  ],
  campaign_logs: [
    'campaign_logs_campaign_id_whatsapp_session_id_index (campaign_id, whatsapp_session_id)',
  ],
  engine_events: [
    'engine_events_event_id_unique UNIQUE (event_id)',
    'engine_events_processed_at_id_index (processed_at, id)',
    'engine_events_session_id_index (session_id)',
  ],
  engines: ['engines_expires_at_index (expires_at)'],
};

const FOREIGN_KEYS = [
  'auth_sessions.current_workspace_id -> workspaces.id ON DELETE SET NULL',
  'auth_sessions.user_id -> users.id ON DELETE CASCADE',
  'campaign_logs.whatsapp_session_id -> whatsapp_sessions.id ON DELETE SET NULL',
  'chats.whatsapp_session_id -> whatsapp_sessions.id ON DELETE SET NULL',
  'contact_sessions.contact_id -> contacts.id ON DELETE CASCADE',
  'contact_sessions.whatsapp_session_id -> whatsapp_sessions.id ON DELETE CASCADE',
  'subscriptions.workspace_id -> workspaces.id ON DELETE CASCADE',
  'teams.user_id -> users.id ON DELETE CASCADE',
  'teams.workspace_id -> workspaces.id ON DELETE CASCADE',
  'templates.workspace_id -> workspaces.id ON DELETE CASCADE',
  'whatsapp_sessions.workspace_id -> workspaces.id ON DELETE CASCADE',
];

describe('migrations on an empty database', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const reports: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
    const migrations = buildMigrations({
      secretBox: new SecretBox(randomBytes(32)),
      report: (line) => reports.push(line),
    });
    dataSource = await new DataSource(
      buildDataSourceOptions(parseDatabaseUrl(database.url), { migrations }),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function expectFullSchema(): Promise<void> {
    const schema = await describeSchema(dataSource);
    expect(schema.tables).toEqual([...TABLES, MIGRATIONS_TABLE].sort());
    for (const [table, indexes] of Object.entries(INDEXES)) {
      expect(schema.indexes[table]).toEqual(expect.arrayContaining(indexes));
    }
    expect(schema.foreignKeys).toEqual(FOREIGN_KEYS);
  }

  it('applies every migration, reverts them all, and applies them again', async () => {
    const applied = await runPendingMigrations(dataSource);
    expect(applied.map((migration) => migration.name)).toEqual(MIGRATION_NAMES);
    await expectFullSchema();
    expect(reports).toEqual([]);

    expect(await revertAllMigrations(dataSource)).toBe(MIGRATION_NAMES.length);
    // Only TypeORM's (now empty) history table is left.
    expect(await listTables(dataSource)).toEqual([MIGRATIONS_TABLE]);
    expect(await dataSource.query(`SELECT * FROM ${MIGRATIONS_TABLE}`)).toEqual([]);

    expect((await runPendingMigrations(dataSource)).map((migration) => migration.name)).toEqual(
      MIGRATION_NAMES,
    );
    await expectFullSchema();
  });

  it('gives the session tables their defaults, enums and keys', async () => {
    await runPendingMigrations(dataSource);
    await dataSource.query(
      "INSERT INTO users (first_name, email) VALUES ('Ann', 'ann@example.test')",
    );
    const userId = await idOf('users', 'email', 'ann@example.test');
    await dataSource.query(
      "INSERT INTO workspaces (uuid, identifier, created_by) VALUES ('ws-a', 'ws-a', ?), ('ws-b', 'ws-b', ?)",
      [userId, userId],
    );
    const workspaceA = await idOf('workspaces', 'uuid', 'ws-a');
    const workspaceB = await idOf('workspaces', 'uuid', 'ws-b');

    await dataSource.query(
      "INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id) VALUES ('s-a', ?, 'webjs_a')",
      [workspaceA],
    );
    const [session] = await dataSource.query<Array<Record<string, unknown>>>(
      "SELECT status, provider_type, health_score, is_primary, is_active FROM whatsapp_sessions WHERE uuid = 's-a'",
    );
    expect(session).toEqual({
      status: 'initializing',
      provider_type: 'webjs',
      health_score: 100,
      is_primary: 0,
      is_active: 1,
    });
    const sessionA = await idOf('whatsapp_sessions', 'uuid', 's-a');

    await expect(
      dataSource.query(
        "INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id, status) VALUES ('s-x', ?, 'x', 'bogus')",
        [workspaceA],
      ),
    ).rejects.toThrow();
    await expect(
      dataSource.query(
        "INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id) VALUES ('s-y', ?, 'webjs_a')",
        [workspaceA],
      ),
    ).rejects.toThrow();

    await dataSource.query(
      "INSERT INTO contacts (uuid, workspace_id, phone) VALUES ('c-a', ?, '+15550000001')",
      [workspaceA],
    );
    const contactA = await idOf('contacts', 'uuid', 'c-a');
    const insertChat = (uuid: string, sessionId: unknown) =>
      dataSource.query(
        "INSERT INTO chats (uuid, workspace_id, wam_id, contact_id, metadata, whatsapp_session_id) VALUES (?, ?, 'wamid.1', ?, '{}', ?)",
        [uuid, workspaceA, contactA, sessionId],
      );
    await insertChat('chat-1', sessionA);
    await expect(insertChat('chat-2', sessionA)).rejects.toThrow();
    await insertChat('chat-3', null);
    await insertChat('chat-4', null);

    await dataSource.query(
      'INSERT INTO contact_sessions (contact_id, whatsapp_session_id) VALUES (?, ?)',
      [contactA, sessionA],
    );
    await expect(
      dataSource.query(
        'INSERT INTO contact_sessions (contact_id, whatsapp_session_id) VALUES (?, ?)',
        [contactA, sessionA],
      ),
    ).rejects.toThrow();

    // Deleting a number keeps its messages (unlinked) and forgets its contact links.
    await dataSource.query('DELETE FROM whatsapp_sessions WHERE id = ?', [sessionA]);
    expect(
      await dataSource.query("SELECT whatsapp_session_id FROM chats WHERE uuid = 'chat-1'"),
    ).toEqual([{ whatsapp_session_id: null }]);
    expect(await dataSource.query('SELECT * FROM contact_sessions')).toEqual([]);

    // Deleting a workspace deletes its numbers.
    await dataSource.query(
      "INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id) VALUES ('s-b', ?, 'webjs_b')",
      [workspaceB],
    );
    await dataSource.query('DELETE FROM workspaces WHERE id = ?', [workspaceB]);
    expect(await dataSource.query("SELECT id FROM whatsapp_sessions WHERE uuid = 's-b'")).toEqual(
      [],
    );

    await dataSource.query(
      "INSERT INTO subscription_plans (uuid, name, price, period, metadata) VALUES ('p-1', 'Basic', 5, 'monthly', '{}')",
    );
    expect(
      await dataSource.query(
        "SELECT max_whatsapp_numbers FROM subscription_plans WHERE uuid = 'p-1'",
      ),
    ).toEqual([{ max_whatsapp_numbers: 1 }]);

    const settings =
      await dataSource.query<Array<{ key: string; value: string }>>('SELECT * FROM settings');
    expect(Object.fromEntries(settings.map((row) => [row.key, row.value]))).toEqual(
      SETTING_DEFAULTS,
    );
  });

  it('gives chats and contacts the inbox columns, with their defaults and keys', async () => {
    await runPendingMigrations(dataSource);
    const workspace = await seedWorkspace('Ivy', 'ws-inbox');
    await dataSource.query(
      "INSERT INTO contacts (uuid, workspace_id, phone) VALUES ('c-inbox', ?, '+15550000009')",
      [workspace],
    );
    const contact = await idOf('contacts', 'uuid', 'c-inbox');
    expect(
      await dataSource.query<Array<Record<string, unknown>>>(
        "SELECT type, whatsapp_id, unread_messages, last_message_at, latest_chat_created_at FROM contacts WHERE uuid = 'c-inbox'",
      ),
    ).toEqual([
      {
        type: null,
        whatsapp_id: null,
        unread_messages: 0,
        last_message_at: null,
        latest_chat_created_at: null,
      },
    ]);
    await dataSource.query(
      "INSERT INTO chats (uuid, workspace_id, contact_id, metadata) VALUES ('chat-inbox', ?, ?, '{}')",
      [workspace, contact],
    );
    expect(
      await dataSource.query<Array<Record<string, unknown>>>(
        'SELECT message_status, is_read, provider_type, chat_type, sent_at, delivered_at, read_at, updated_at ' +
          "FROM chats WHERE uuid = 'chat-inbox'",
      ),
    ).toEqual([
      {
        message_status: null,
        is_read: 0,
        provider_type: null,
        chat_type: null,
        sent_at: null,
        delivered_at: null,
        read_at: null,
        updated_at: null,
      },
    ]);
    // Two groups (or @lid contacts) of one workspace never share a contact row; phone contacts
    // (whatsapp_id NULL) are unaffected.
    const group = (uuid: string) =>
      dataSource.query(
        "INSERT INTO contacts (uuid, workspace_id, whatsapp_id, type) VALUES (?, ?, '120363@g.us', 'group')",
        [uuid, workspace],
      );
    await group('g-1');
    await expect(group('g-2')).rejects.toThrow();
    await dataSource.query(
      "INSERT INTO contacts (uuid, workspace_id, phone) VALUES ('c-inbox-2', ?, '+15550000010')",
      [workspace],
    );
  });

  it("counts each number's unread customer messages when it adds the count", async () => {
    await runPendingMigrations(dataSource);
    const workspace = await seedWorkspace('Una', 'ws-unread');
    await dataSource.query(
      'INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id) VALUES ' +
        "('s-unread-1', ?, 'unread_1'), ('s-unread-2', ?, 'unread_2'), ('s-unread-3', ?, 'unread_3')",
      [workspace, workspace, workspace],
    );
    const [one, two] = [
      await idOf('whatsapp_sessions', 'uuid', 's-unread-1'),
      await idOf('whatsapp_sessions', 'uuid', 's-unread-2'),
    ];
    await dataSource.query(
      "INSERT INTO contacts (uuid, workspace_id, phone) VALUES ('c-unread', ?, '+15550000011')",
      [workspace],
    );
    const contact = await idOf('contacts', 'uuid', 'c-unread');
    // As an adopted database holds them, before the count existed.
    await revertLastMigration(dataSource);
    const chat = (uuid: string, session: number | string | null, type: string, isRead: number) =>
      dataSource.query(
        'INSERT INTO chats (uuid, workspace_id, contact_id, whatsapp_session_id, type, is_read, metadata) ' +
          "VALUES (?, ?, ?, ?, ?, ?, '{}')",
        [uuid, workspace, contact, session, type, isRead],
      );
    await chat('u-1', one, 'inbound', 0);
    await chat('u-2', one, 'inbound', 0);
    await chat('u-3', one, 'inbound', 1);
    await chat('u-4', one, 'outbound', 0);
    await chat('u-5', two, 'inbound', 0);
    await chat('u-6', null, 'inbound', 0);

    expect((await runPendingMigrations(dataSource)).map((m) => m.name)).toEqual([
      'AddNumberUnreadCount1764001800000',
    ]);
    expect(
      (
        await dataSource.query<Array<{ uuid: string; unread_messages: number | string }>>(
          "SELECT uuid, unread_messages FROM whatsapp_sessions WHERE uuid LIKE 's-unread-%' ORDER BY uuid",
        )
      ).map((row) => [row.uuid, Number(row.unread_messages)]),
    ).toEqual([
      ['s-unread-1', 2],
      ['s-unread-2', 1],
      ['s-unread-3', 0],
    ]);
  });

  /** A user and a workspace they created (both named by `uuid`); the workspace's id. */
  async function seedWorkspace(firstName: string, uuid: string): Promise<number | string> {
    const email = `${uuid}@example.test`;
    await dataSource.query('INSERT INTO users (first_name, email) VALUES (?, ?)', [
      firstName,
      email,
    ]);
    const userId = await idOf('users', 'email', email);
    await dataSource.query(
      'INSERT INTO workspaces (uuid, identifier, created_by) VALUES (?, ?, ?)',
      [uuid, uuid, userId],
    );
    return idOf('workspaces', 'uuid', uuid);
  }

  async function idOf(table: string, column: string, value: string): Promise<number | string> {
    const rows = await dataSource.query<Array<{ id: number | string }>>(
      `SELECT id FROM ${table} WHERE ${column} = ?`,
      [value],
    );
    expect(rows).toHaveLength(1);
    return rows[0]!.id;
  }
});
