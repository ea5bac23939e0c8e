import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  addColumnInPlace,
  dropColumnInPlace,
  referencingColumn,
  requireColumns,
} from './schema-helpers';

/**
 * Every message and campaign send names the number it went through (blazz-reference §8.8: the
 * conversation key is workspace + number + contact), and inbound messages become idempotent per
 * (number, provider message id).
 *
 * The unique key is (whatsapp_session_id, wam_id). Old Blazz rows keep whatsapp_session_id NULL,
 * and NULLs are distinct in unique indexes on MariaDB/MySQL and SQLite alike, so the duplicate
 * wam_id values already in old data neither block the index nor get touched.
 */
interface Link {
  table: string;
  foreignKey: string;
  requires: string[];
  indices(): TableIndex[];
}

const LINKS: Link[] = [
  {
    table: 'chats',
    foreignKey: 'chats_whatsapp_session_id_foreign',
    requires: ['id', 'workspace_id', 'wam_id', 'created_at'],
    indices: () => [
      new TableIndex({
        name: 'chats_workspace_id_whatsapp_session_id_created_at_index',
        columnNames: ['workspace_id', 'whatsapp_session_id', 'created_at'],
      }),
      new TableIndex({
        name: 'chats_whatsapp_session_id_wam_id_unique',
        columnNames: ['whatsapp_session_id', 'wam_id'],
        isUnique: true,
      }),
    ],
  },
  {
    table: 'campaign_logs',
    foreignKey: 'campaign_logs_whatsapp_session_id_foreign',
    requires: ['id', 'campaign_id'],
    indices: () => [
      new TableIndex({
        name: 'campaign_logs_campaign_id_whatsapp_session_id_index',
        columnNames: ['campaign_id', 'whatsapp_session_id'],
      }),
    ],
  },
];

export class LinkMessagesToWhatsappSessions1764000400000 implements MigrationInterface {
  name = 'LinkMessagesToWhatsappSessions1764000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const link of LINKS) {
      await requireColumns(queryRunner, link.table, link.requires);
      const column = await referencingColumn(
        queryRunner,
        'whatsapp_session_id',
        { table: 'whatsapp_sessions', column: 'id' },
        { isNullable: true },
      );
      await addColumnInPlace(queryRunner, link.table, new TableColumn(column), {
        foreignKeyName: link.foreignKey,
        table: 'whatsapp_sessions',
        column: 'id',
        onDelete: 'SET NULL',
      });
      for (const index of link.indices()) await queryRunner.createIndex(link.table, index);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const link of [...LINKS].reverse()) {
      await dropColumnInPlace(queryRunner, link.table, 'whatsapp_session_id', {
        foreignKeyName: link.foreignKey,
        indexNames: link.indices().map((index) => index.name!),
      });
    }
  }
}
