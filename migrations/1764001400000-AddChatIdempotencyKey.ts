import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SchemaNotes, addColumnInPlace, dropColumnInPlace, requireColumns } from './schema-helpers';

/**
 * `chats.idempotency_key`: the key a client gives an outbound message, unique per workspace, so a
 * send request that arrives twice (a double click, a retried HTTP call, two servers) makes one
 * message. Rows from before have none (NULL, which the unique index allows many times).
 */
const COLUMN = new TableColumn({
  name: 'idempotency_key',
  type: 'varchar',
  length: '100',
  isNullable: true,
});

const INDEX = new TableIndex({
  name: 'chats_workspace_id_idempotency_key_unique',
  columnNames: ['workspace_id', 'idempotency_key'],
  isUnique: true,
});

export class AddChatIdempotencyKey1764001400000 implements MigrationInterface {
  name = 'AddChatIdempotencyKey1764001400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireColumns(queryRunner, 'chats', ['id', 'workspace_id']);
    const notes = new SchemaNotes(queryRunner, this.name);
    if (!(await queryRunner.hasColumn('chats', COLUMN.name))) {
      await addColumnInPlace(queryRunner, 'chats', COLUMN);
      await notes.record(`column:chats.${COLUMN.name}`);
    }
    const table = await queryRunner.getTable('chats');
    if (!table?.indices.some((index) => index.name === INDEX.name)) {
      await queryRunner.createIndex('chats', INDEX);
      await notes.record(`index:chats.${INDEX.name}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    if ((await notes.list(`index:chats.${INDEX.name!}`)).length) {
      await queryRunner.dropIndex('chats', INDEX.name!);
      await notes.forget(`index:chats.${INDEX.name!}`);
    }
    if ((await notes.list(`column:chats.${COLUMN.name}`)).length) {
      await dropColumnInPlace(queryRunner, 'chats', COLUMN.name);
      await notes.forget(`column:chats.${COLUMN.name}`);
    }
  }
}
