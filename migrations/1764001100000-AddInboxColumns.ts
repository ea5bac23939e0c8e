import {
  TableColumn,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import {
  SchemaNotes,
  addColumnInPlace,
  datetimeColumn,
  dropColumnInPlace,
  requireColumns,
} from './schema-helpers';

/**
 * The columns the inbound pipeline and the inbox read, under Blazz's own names (blazz-reference
 * §4.1) so rows written by a later Blazz keep their meaning, each added only where missing:
 *
 * - `chats`: `message_status` (the forward-only delivery status), `is_read`, `provider_type`,
 *   `chat_type` (private/group), `sent_at` / `delivered_at` / `read_at`, and `updated_at` (absent
 *   from older Blazz installs).
 * - `contacts`: `type` (individual/group), `unread_messages`, `last_message_at`,
 *   `latest_chat_created_at`, and `whatsapp_id` with unique(workspace_id, whatsapp_id): the
 *   WhatsApp id of a contact that has no phone number — a group (`…@g.us`) or a privacy id
 *   (`…@lid`) — so such contacts are found again without ever putting a non-phone into `phone`.
 *
 * Blazz's enums (`message_status`, `chat_type`, `type`) are varchar here: SQLite cannot add an
 * enum column in place, and a status such as `played` must not be refused by Blazz's shorter list.
 * Old rows keep `message_status` NULL (their `status` text still says what Blazz knew); new
 * columns with a default give old rows that default. Whatever was added is recorded, and `down`
 * drops exactly that.
 */
interface Addition {
  table: 'chats' | 'contacts';
  column: TableColumnOptions;
}

const varchar = (name: string, length: number): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: true,
});

const ADDITIONS: Addition[] = [
  { table: 'chats', column: varchar('message_status', 20) },
  { table: 'chats', column: { name: 'is_read', type: 'boolean', isNullable: false, default: 0 } },
  { table: 'chats', column: varchar('provider_type', 20) },
  { table: 'chats', column: varchar('chat_type', 20) },
  { table: 'chats', column: datetimeColumn('sent_at') },
  { table: 'chats', column: datetimeColumn('delivered_at') },
  { table: 'chats', column: datetimeColumn('read_at') },
  { table: 'chats', column: datetimeColumn('updated_at') },
  { table: 'contacts', column: varchar('type', 20) },
  { table: 'contacts', column: varchar('whatsapp_id', 191) },
  {
    table: 'contacts',
    column: { name: 'unread_messages', type: 'int', unsigned: true, isNullable: false, default: 0 },
  },
  { table: 'contacts', column: datetimeColumn('last_message_at') },
  { table: 'contacts', column: datetimeColumn('latest_chat_created_at') },
];

const WHATSAPP_ID_INDEX = new TableIndex({
  name: 'contacts_workspace_id_whatsapp_id_unique',
  columnNames: ['workspace_id', 'whatsapp_id'],
  isUnique: true,
});

export class AddInboxColumns1764001100000 implements MigrationInterface {
  name = 'AddInboxColumns1764001100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireColumns(queryRunner, 'chats', ['id', 'workspace_id', 'contact_id', 'metadata']);
    await requireColumns(queryRunner, 'contacts', ['id', 'workspace_id', 'phone']);
    const notes = new SchemaNotes(queryRunner, this.name);
    for (const { table, column } of ADDITIONS) {
      if (await queryRunner.hasColumn(table, column.name)) continue;
      await addColumnInPlace(queryRunner, table, new TableColumn(column));
      await notes.record(`column:${table}.${column.name}`);
    }
    const contacts = await queryRunner.getTable('contacts');
    const covered = contacts?.indices.some(
      (index) => index.isUnique && index.columnNames.join(',') === 'workspace_id,whatsapp_id',
    );
    if (!covered) {
      await queryRunner.createIndex('contacts', WHATSAPP_ID_INDEX);
      await notes.record(`index:contacts.${WHATSAPP_ID_INDEX.name}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    for (const name of await notes.list('index:contacts.')) {
      await queryRunner.dropIndex('contacts', name);
      await notes.forget(`index:contacts.${name}`);
    }
    const added = new Set(await notes.list('column:'));
    for (const { table, column } of [...ADDITIONS].reverse()) {
      const key = `${table}.${column.name}`;
      if (!added.has(key)) continue;
      await dropColumnInPlace(queryRunner, table, column.name);
      await notes.forget(`column:${key}`);
    }
  }
}
