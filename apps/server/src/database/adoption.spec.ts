import { randomBytes } from 'node:crypto';
import { SETTING_DEFAULTS } from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import {
  buildMigrations,
  META_CREDENTIAL_KEYS,
  type MigrationContext,
} from '@switchboard/migrations';
import {
  buildBlazzFixture,
  createTestDatabase,
  pickColumns,
  snapshotDatabase,
  tableDefinitions,
  type BlazzFixture,
  type DatabaseSnapshot,
  type SnapshotRow,
  type TestDatabase,
} from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE, buildDataSourceOptions } from './data-source-options';
import { parseDatabaseUrl } from './database-url';
import { revertAllMigrations, runPendingMigrations } from './migration-runner';

// Adopting an existing Blazz database: runs on SQLite, or on MariaDB/MySQL when TEST_DATABASE_URL is set.

describe('adopting a Blazz database', () => {
  const box = new SecretBox(randomBytes(32));
  const reports: string[] = [];
  // The operator's first run has no ENCRYPTION_KEY; the key is set before the second run.
  const context: MigrationContext = { secretBox: null, report: (line) => reports.push(line) };
  const migrations = buildMigrations(context);
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: BlazzFixture;
  let before: DatabaseSnapshot;
  let definitionsBefore: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('adoption');
    dataSource = await new DataSource(
      buildDataSourceOptions(parseDatabaseUrl(database.url), { migrations }),
    ).initialize();
    fixture = await buildBlazzFixture(dataSource);
    before = await snapshotDatabase(dataSource);
    definitionsBefore = await tableDefinitions(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('refuses to move plaintext Meta credentials without ENCRYPTION_KEY, changing no row', async () => {
    // TypeORM prints the failing migration with console.log.
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(runPendingMigrations(dataSource)).rejects.toThrow(
        /ENCRYPTION_KEY is required: workspaces 1, 2, 3 /,
      );
    } finally {
      log.mockRestore();
    }
    const now = await snapshotDatabase(dataSource);
    for (const [table, { columns, rows }] of Object.entries(before)) {
      expect({ table, rows: pickColumns(now[table]!.rows, columns) }).toEqual({ table, rows });
    }
    expect(now.whatsapp_sessions?.rows).toEqual([]);
  });

  describe('once migrated', () => {
    let after: DatabaseSnapshot;

    beforeAll(async () => {
      context.secretBox = box;
      reports.length = 0;
      await runPendingMigrations(dataSource);
      after = await snapshotDatabase(dataSource);
    });

    it('keeps every pre-existing row; only the moved credential keys leave workspaces.metadata.whatsapp', () => {
      const moved = new Set(fixture.completeCredentials.map((workspace) => workspace.workspaceId));
      for (const [table, { columns, rows }] of Object.entries(before)) {
        expect(after[table]?.columns).toEqual(expect.arrayContaining(columns));
        const known = new Set(rows.map(identity));
        const kept = after[table]!.rows.filter((row) => known.has(identity(row)));
        const expected =
          table === 'workspaces'
            ? rows.map((row) => (moved.has(Number(row.id)) ? withoutCredentials(row) : row))
            : rows;
        const actual = pickColumns(kept, columns).map((row) =>
          table === 'workspaces' && moved.has(Number(row.id))
            ? { ...row, metadata: reencode(row.metadata) }
            : row,
        );
        expect({ table, rows: actual }).toEqual({ table, rows: expected });
        // The only table that gains rows is settings, by the defaults it lacked.
        const added = after[table]!.rows.filter((row) => !known.has(identity(row))).map(identity);
        const lacking =
          table === 'settings'
            ? Object.keys(SETTING_DEFAULTS).filter((key) => !(key in fixture.settings))
            : [];
        expect({ table, added: added.sort() }).toEqual({ table, added: lacking.sort() });
      }
      expect(after.migrations?.rows).toEqual(before.migrations?.rows);
      expect(after.migrations?.rows).toHaveLength(fixture.laravelMigrationRows);
    });

    it("keeps the untouched metadata's JSON spelling and leaves no moved token in plaintext anywhere", () => {
      const acme = after.workspaces!.rows.find((row) => row.id === before.workspaces!.rows[0]!.id)!;
      // PHP's escapes survive the rewrite.
      expect(acme.metadata).toContain(
        '"webhook_url":"https:\\/\\/acme.example\\/webhook\\/whatsapp\\/acme"',
      );
      expect(acme.metadata).toContain('"verified_name":"Acme Caf\\u00e9"');
      const everything = JSON.stringify(after);
      for (const { credentials } of fixture.completeCredentials) {
        expect(everything).not.toContain(credentials.access_token);
      }
    });

    it('creates exactly one sealed, connected, primary Meta session per workspace with complete credentials', async () => {
      const sessions = await dataSource.query<Array<Record<string, unknown>>>(
        'SELECT workspace_id, uuid, session_id, phone_number, provider_type, status, session_data, is_primary, is_active, ' +
          'metadata, deleted_at FROM whatsapp_sessions ORDER BY workspace_id',
      );
      expect(sessions.map((session) => Number(session.workspace_id))).toEqual(
        fixture.completeCredentials.map((workspace) => workspace.workspaceId),
      );
      for (const [index, expected] of fixture.completeCredentials.entries()) {
        const session = sessions[index]!;
        expect(session).toMatchObject({
          session_id: `meta_${expected.workspaceId}`,
          phone_number: expected.displayPhoneDigits,
          provider_type: 'meta',
          status: 'connected',
          is_primary: 1,
          is_active: 1,
        });
        expect(session.uuid).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        expect(session.deleted_at === null).toBe(!expected.softDeleted);
        const sealed = String(session.session_data);
        expect(SecretBox.isSealed(sealed)).toBe(true);
        expect(JSON.parse(box.openText(sealed))).toEqual(expected.credentials);
        // mysql2 parses JSON columns; SQLite returns their text.
        const metadata: unknown =
          typeof session.metadata === 'string' ? JSON.parse(session.metadata) : session.metadata;
        expect(metadata).toMatchObject({ migrated_from: 'workspaces.metadata.whatsapp' });
      }
    });

    it('reports the incomplete credentials by workspace and missing keys, and nothing about the others', () => {
      const workspaceLines = reports.filter((line) => line.startsWith('workspace '));
      expect(workspaceLines).toHaveLength(fixture.incompleteCredentials.length);
      for (const [index, { workspaceId, missing }] of fixture.incompleteCredentials.entries()) {
        expect(workspaceLines[index]).toContain(
          `workspace ${workspaceId}: Meta credentials incomplete (missing or empty: ${missing.join(', ')})`,
        );
      }
    });

    it('keeps the old duplicate wam_id rows and rejects a new duplicate on the same number', async () => {
      const { workspaceId, wamId, chatIds } = fixture.duplicateWamId;
      const old = await dataSource.query<
        Array<{ id: number | string; whatsapp_session_id: unknown }>
      >(
        'SELECT id, whatsapp_session_id FROM chats WHERE wam_id = ? AND workspace_id = ? ORDER BY id',
        [wamId, workspaceId],
      );
      expect(old.map((row) => Number(row.id))).toEqual(chatIds);
      expect(old.every((row) => row.whatsapp_session_id === null)).toBe(true);

      const [session] = await dataSource.query<Array<{ id: number | string }>>(
        'SELECT id FROM whatsapp_sessions WHERE session_id = ?',
        [`meta_${workspaceId}`],
      );
      const insert = (uuid: string) =>
        dataSource.query(
          "INSERT INTO chats (uuid, workspace_id, wam_id, contact_id, metadata, whatsapp_session_id) VALUES (?, ?, ?, 1, '{}', ?)",
          [uuid, workspaceId, wamId, session!.id],
        );
      try {
        await insert('dup-new-1');
        await expect(insert('dup-new-2')).rejects.toThrow();
      } finally {
        await dataSource.query("DELETE FROM chats WHERE uuid LIKE 'dup-new-%'");
      }
    });

    it('stores each plan its WhatsApp-number limit from its metadata, else 1', async () => {
      const plans = await dataSource.query<
        Array<{
          id: number | string;
          max_whatsapp_numbers: number;
        }>
      >('SELECT id, max_whatsapp_numbers FROM subscription_plans ORDER BY id');
      expect(
        plans.map((plan) => ({ planId: Number(plan.id), expected: plan.max_whatsapp_numbers })),
      ).toEqual(fixture.planLimits.map(({ planId, expected }) => ({ planId, expected })));
      for (const { planId, reportExpected } of fixture.planLimits) {
        expect(reports.some((line) => line.startsWith(`subscription plan ${planId}:`))).toBe(
          reportExpected,
        );
      }
    });

    it('seeds the missing settings, keeps the existing values, and inserts nothing on a second run', async () => {
      const settings = await settingsMap();
      for (const [key, value] of Object.entries(fixture.settings))
        expect(settings[key]).toBe(value);
      for (const [key, value] of Object.entries(SETTING_DEFAULTS)) {
        expect(settings[key]).toBe(key in fixture.settings ? fixture.settings[key] : value);
      }
      const notesBefore = await dataSource.query(
        'SELECT * FROM switchboard_schema_notes ORDER BY name',
      );

      const Seed = migrations.find((migration) =>
        migration.name.startsWith('SeedBroadcastSettings'),
      )!;
      const runner = dataSource.createQueryRunner();
      try {
        await new Seed().up(runner);
      } finally {
        await runner.release();
      }
      expect(await settingsMap()).toEqual(settings);
      expect(
        await dataSource.query('SELECT * FROM switchboard_schema_notes ORDER BY name'),
      ).toEqual(notesBefore);
    });

    it("adds the inbox columns to Blazz's chats and contacts, old rows reading as before Switchboard", async () => {
      const chats = await dataSource.query<Array<Record<string, unknown>>>(
        'SELECT message_status, is_read, provider_type, updated_at FROM chats ORDER BY id',
      );
      expect(chats.length).toBe(before.chats!.rows.length);
      for (const chat of chats) {
        expect(chat).toEqual({
          message_status: null,
          is_read: 0,
          provider_type: null,
          updated_at: null,
        });
      }
      const contacts = await dataSource.query<Array<Record<string, unknown>>>(
        'SELECT type, whatsapp_id, unread_messages, last_message_at FROM contacts ORDER BY id',
      );
      expect(contacts.length).toBe(before.contacts!.rows.length);
      for (const contact of contacts) {
        expect(contact).toEqual({
          type: null,
          whatsapp_id: null,
          unread_messages: 0,
          last_message_at: null,
        });
      }
    });

    it('types each new foreign key column like the live column it references', async () => {
      const pairs: Array<[string, string, string, string]> = [
        ['auth_sessions', 'user_id', 'users', 'id'],
        ['auth_sessions', 'current_workspace_id', 'workspaces', 'id'],
        ['whatsapp_sessions', 'workspace_id', 'workspaces', 'id'],
        ['contact_sessions', 'contact_id', 'contacts', 'id'],
        ['chats', 'whatsapp_session_id', 'whatsapp_sessions', 'id'],
      ];
      for (const [table, column, referencedTable, referencedColumn] of pairs) {
        expect(`${table}.${column} ${await columnType(table, column)}`).toBe(
          `${table}.${column} ${await columnType(referencedTable, referencedColumn)}`,
        );
      }
      if (database.kind === 'mysql')
        expect(await columnType('auth_sessions', 'user_id')).toBe('int(10) unsigned');
    });

    it('reverts to exactly the original database, then migrates again', async () => {
      expect(await revertAllMigrations(dataSource)).toBe(migrations.length);
      const { [MIGRATIONS_TABLE]: history, ...reverted } = await snapshotDatabase(dataSource);
      expect(history?.rows).toEqual([]);
      expect(Object.keys(reverted).sort()).toEqual(Object.keys(before).sort());
      for (const [table, snapshot] of Object.entries(before)) {
        expect({ table, ...reverted[table] }).toEqual({ table, ...snapshot });
      }
      // The DDL too: no constraint, index, default or column of Blazz's was rewritten on the way.
      const definitions = await tableDefinitions(dataSource);
      delete definitions[MIGRATIONS_TABLE];
      expect(definitions).toEqual(definitionsBefore);

      expect(await runPendingMigrations(dataSource)).toHaveLength(migrations.length);
      expect(
        await dataSource.query(
          "SELECT COUNT(*) AS n FROM whatsapp_sessions WHERE provider_type = 'meta'",
        ),
      ).toEqual([{ n: database.kind === 'mysql' ? '3' : 3 }]);
    });
  });

  async function settingsMap(): Promise<Record<string, string | null>> {
    const rows =
      await dataSource.query<Array<{ key: string; value: string | null }>>(
        'SELECT * FROM settings',
      );
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  async function columnType(table: string, column: string): Promise<string> {
    const sql =
      database.kind === 'mysql'
        ? 'SELECT column_type AS type FROM information_schema.columns ' +
          'WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?'
        : 'SELECT type FROM pragma_table_info(?) WHERE name = ?';
    const rows = await dataSource.query<Array<{ type: string }>>(sql, [table, column]);
    expect(rows).toHaveLength(1);
    return rows[0]!.type.toLowerCase();
  }
});

/** The workspace row as it should be after the move: its metadata minus the five credential keys. */
function withoutCredentials(row: SnapshotRow): SnapshotRow {
  const metadata = JSON.parse(String(row.metadata)) as { whatsapp: Record<string, unknown> };
  metadata.whatsapp = Object.fromEntries(
    Object.entries(metadata.whatsapp).filter(
      ([key]) => !(META_CREDENTIAL_KEYS as readonly string[]).includes(key),
    ),
  );
  return { ...row, metadata: JSON.stringify(metadata) };
}

/** A row's primary key: `id`, or `key` in Blazz's settings table. */
function identity(row: SnapshotRow): string {
  return String(row.id ?? row.key);
}

/** Same JSON value, key order included, in one spelling. */
function reencode(text: SnapshotRow[string] | undefined): string {
  return JSON.stringify(JSON.parse(String(text)));
}
