import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SchemaNotes, requireColumns } from './schema-helpers';

/**
 * The inbox finds contacts two ways that no earlier index serves:
 *
 * - by uuid within a workspace (a thread, mark read, a contact's numbers):
 *   (workspace_id, uuid) — without it every such request reads all of the workspace's contacts;
 * - by a search typed from the start of a name: (workspace_id, first_name), (workspace_id,
 *   last_name), (workspace_id, full_name) where the column exists, each an index range for
 *   `LIKE 'text%'` on MariaDB.
 *   Phones and WhatsApp ids already have Blazz's and Switchboard's unique keys.
 *
 * Each is added only where no index with the same columns exists, and recorded so `down` drops
 * exactly what this migration added.
 */
const INDEXES = [
  ['workspace_id', 'uuid'],
  ['workspace_id', 'first_name'],
  ['workspace_id', 'last_name'],
  ['workspace_id', 'full_name'],
].map(
  (columnNames) => new TableIndex({ name: `contacts_${columnNames.join('_')}_index`, columnNames }),
);

export class IndexContactsForInbox1764001300000 implements MigrationInterface {
  name = 'IndexContactsForInbox1764001300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireColumns(queryRunner, 'contacts', ['workspace_id', 'uuid']);
    const notes = new SchemaNotes(queryRunner, this.name);
    const table = await queryRunner.getTable('contacts');
    for (const index of INDEXES) {
      // Older Blazz installs have no full_name: nothing to index there.
      if (!index.columnNames.every((column) => table?.findColumnByName(column))) continue;
      const covered = table?.indices.some(
        (existing) => existing.columnNames.join(',') === index.columnNames.join(','),
      );
      if (covered) continue;
      await queryRunner.createIndex('contacts', index);
      await notes.record(`index:contacts.${index.name!}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    for (const name of await notes.list('index:contacts.')) {
      await queryRunner.dropIndex('contacts', name);
      await notes.forget(`index:contacts.${name}`);
    }
  }
}
