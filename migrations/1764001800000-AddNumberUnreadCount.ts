import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SchemaNotes, addColumnInPlace, dropColumnInPlace, requireColumns } from './schema-helpers';

/**
 * `whatsapp_sessions.unread_messages`: how many customer messages on the number are unread, kept
 * as messages arrive and are read, so the inbox's per-number badges are one row read each instead
 * of a count over every unread message. Existing rows are counted once here.
 */
const COLUMN = new TableColumn({
  name: 'unread_messages',
  // Signed: a count that ever went wrong must not turn every later read into an error.
  type: 'int',
  isNullable: false,
  default: 0,
});

/**
 * Sets every number's count from its messages: the inbound ones not yet read. Also what a seeded
 * or repaired database runs to bring the counts back in line.
 */
export async function recountNumberUnread(query: (sql: string) => Promise<unknown>): Promise<void> {
  await query(
    'UPDATE whatsapp_sessions SET unread_messages = (SELECT COUNT(*) FROM chats ' +
      "WHERE chats.whatsapp_session_id = whatsapp_sessions.id AND chats.type = 'inbound' " +
      'AND chats.is_read = 0)',
  );
}

export class AddNumberUnreadCount1764001800000 implements MigrationInterface {
  name = 'AddNumberUnreadCount1764001800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireColumns(queryRunner, 'whatsapp_sessions', ['id']);
    await requireColumns(queryRunner, 'chats', ['whatsapp_session_id', 'type', 'is_read']);
    const notes = new SchemaNotes(queryRunner, this.name);
    if (!(await queryRunner.hasColumn('whatsapp_sessions', COLUMN.name))) {
      await addColumnInPlace(queryRunner, 'whatsapp_sessions', COLUMN);
      await notes.record(`column:whatsapp_sessions.${COLUMN.name}`);
    }
    await recountNumberUnread((sql) => queryRunner.query(sql));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    if ((await notes.list(`column:whatsapp_sessions.${COLUMN.name}`)).length) {
      await dropColumnInPlace(queryRunner, 'whatsapp_sessions', COLUMN.name);
      await notes.forget(`column:whatsapp_sessions.${COLUMN.name}`);
    }
  }
}
