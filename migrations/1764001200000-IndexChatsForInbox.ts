import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SchemaNotes, requireColumns } from './schema-helpers';

/**
 * The inbox reads `chats` three ways that no earlier index serves:
 *
 * - a conversation's messages and its latest message: one contact on one number, by time —
 *   (contact_id, whatsapp_session_id, created_at);
 * - a conversation's unread count and "mark read": (contact_id, type, is_read,
 *   whatsapp_session_id) reads only the unread inbound rows, however long the thread;
 * - unread totals per number for a workspace: (workspace_id, type, is_read, whatsapp_session_id),
 *   the same over the whole workspace instead of every message it ever had.
 *
 * Each is added only where no index with the same columns exists, and recorded so `down` drops
 * exactly what this migration added.
 */
const INDEXES = [
  ['contact_id', 'whatsapp_session_id', 'created_at'],
  ['contact_id', 'type', 'is_read', 'whatsapp_session_id'],
  ['workspace_id', 'type', 'is_read', 'whatsapp_session_id'],
].map(
  (columnNames) => new TableIndex({ name: `chats_${columnNames.join('_')}_index`, columnNames }),
);

export class IndexChatsForInbox1764001200000 implements MigrationInterface {
  name = 'IndexChatsForInbox1764001200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireColumns(queryRunner, 'chats', [
      'contact_id',
      'workspace_id',
      'whatsapp_session_id',
      'type',
      'is_read',
      'created_at',
    ]);
    const notes = new SchemaNotes(queryRunner, this.name);
    const table = await queryRunner.getTable('chats');
    for (const index of INDEXES) {
      const covered = table?.indices.some(
        (existing) => existing.columnNames.join(',') === index.columnNames.join(','),
      );
      if (covered) continue;
      await queryRunner.createIndex('chats', index);
      await notes.record(`index:chats.${index.name!}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    for (const name of await notes.list('index:chats.')) {
      await queryRunner.dropIndex('chats', name);
      await notes.forget(`index:chats.${name}`);
    }
  }
}
