import { DISCONNECT_REASONS, PROVIDER_TYPES, SESSION_STATUSES } from '@switchboard/contracts';
import {
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import {
  JSON_TYPE,
  datetimeColumn,
  enumColumn,
  idColumn,
  longTextType,
  referencingColumn,
  requireTableAbsent,
} from './schema-helpers';

/**
 * The linked numbers (`whatsapp_sessions`, one row per WhatsApp number of a workspace, Meta Cloud
 * API or WhatsApp Web) and which numbers each contact talked to (`contact_sessions`).
 *
 * Unlike Blazz, no unique key contains `status` (Blazz's UNIQUE(phone_number, workspace_id, status)
 * forced "clear the phone before soft-deleting" hacks).
 */
export class CreateWhatsappSessions1764000300000 implements MigrationInterface {
  name = 'CreateWhatsappSessions1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireTableAbsent(queryRunner, 'whatsapp_sessions');
    await requireTableAbsent(queryRunner, 'contact_sessions');

    await queryRunner.createTable(
      new Table({
        name: 'whatsapp_sessions',
        columns: [
          idColumn(queryRunner),
          { name: 'uuid', type: 'char', length: '36' },
          await referencingColumn(queryRunner, 'workspace_id', {
            table: 'workspaces',
            column: 'id',
          }),
          { name: 'session_id', type: 'varchar', length: '191' },
          { name: 'phone_number', type: 'varchar', length: '50', isNullable: true },
          enumColumn('provider_type', PROVIDER_TYPES, { default: 'webjs' }),
          enumColumn('status', SESSION_STATUSES, { default: 'initializing' }),
          { name: 'qr_code', type: 'text', isNullable: true },
          // Sealed with SecretBox: Meta credentials or a WhatsApp Web auth archive.
          { name: 'session_data', type: longTextType(queryRunner), isNullable: true },
          { name: 'is_primary', type: 'boolean', default: 0 },
          { name: 'is_active', type: 'boolean', default: 1 },
          datetimeColumn('last_activity_at'),
          datetimeColumn('last_connected_at'),
          enumColumn('disconnect_reason', DISCONNECT_REASONS, { isNullable: true }),
          datetimeColumn('disconnected_at'),
          { name: 'health_score', type: 'tinyint', unsigned: true, default: 100 },
          // The engine process that currently owns the session.
          { name: 'engine_id', type: 'varchar', length: '191', isNullable: true },
          { name: 'metadata', type: JSON_TYPE, isNullable: true },
          await referencingColumn(
            queryRunner,
            'created_by',
            { table: 'users', column: 'id' },
            { isNullable: true },
          ),
          datetimeColumn('created_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('updated_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('deleted_at'),
        ],
        indices: [
          index('whatsapp_sessions', ['uuid'], true),
          index('whatsapp_sessions', ['session_id'], true),
          index('whatsapp_sessions', ['workspace_id', 'status']),
          index('whatsapp_sessions', ['session_id', 'status']),
          index('whatsapp_sessions', ['provider_type', 'is_active']),
          index('whatsapp_sessions', ['workspace_id', 'is_primary']),
          index('whatsapp_sessions', ['workspace_id', 'phone_number']),
          index('whatsapp_sessions', ['engine_id']),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'whatsapp_sessions_workspace_id_foreign',
            columnNames: ['workspace_id'],
            referencedTableName: 'workspaces',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
      false,
      true,
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'contact_sessions',
        columns: [
          idColumn(queryRunner),
          await referencingColumn(queryRunner, 'contact_id', { table: 'contacts', column: 'id' }),
          await referencingColumn(queryRunner, 'whatsapp_session_id', {
            table: 'whatsapp_sessions',
            column: 'id',
          }),
          datetimeColumn('first_interaction_at'),
          datetimeColumn('last_interaction_at'),
          { name: 'total_messages', type: 'int', unsigned: true, default: 0 },
          datetimeColumn('created_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('updated_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
        ],
        uniques: [
          new TableUnique({
            name: 'contact_sessions_contact_id_whatsapp_session_id_unique',
            columnNames: ['contact_id', 'whatsapp_session_id'],
          }),
        ],
        indices: [
          index('contact_sessions', ['contact_id', 'last_interaction_at']),
          index('contact_sessions', ['whatsapp_session_id', 'last_interaction_at']),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'contact_sessions_contact_id_foreign',
            columnNames: ['contact_id'],
            referencedTableName: 'contacts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            name: 'contact_sessions_whatsapp_session_id_foreign',
            columnNames: ['whatsapp_session_id'],
            referencedTableName: 'whatsapp_sessions',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
      false,
      true,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('contact_sessions', false, true, true);
    await queryRunner.dropTable('whatsapp_sessions', false, true, true);
  }
}

function index(table: string, columns: string[], unique = false): TableIndex {
  return new TableIndex({
    name: `${table}_${columns.join('_')}_${unique ? 'unique' : 'index'}`,
    columnNames: columns,
    isUnique: unique,
  });
}
