import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';
import { datetimeColumn, idColumn, referencingColumn, requireTableAbsent } from './schema-helpers';

/** Login sessions of the auth module; only the SHA-256 of a token is stored. */
export class CreateAuthSessions1764000200000 implements MigrationInterface {
  name = 'CreateAuthSessions1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireTableAbsent(queryRunner, 'auth_sessions');
    await queryRunner.createTable(
      new Table({
        name: 'auth_sessions',
        columns: [
          idColumn(queryRunner),
          { name: 'token_hash', type: 'char', length: '64' },
          await referencingColumn(queryRunner, 'user_id', { table: 'users', column: 'id' }),
          await referencingColumn(
            queryRunner,
            'current_workspace_id',
            { table: 'workspaces', column: 'id' },
            { isNullable: true },
          ),
          { name: 'ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '255', isNullable: true },
          datetimeColumn('expires_at', { isNullable: false }),
          datetimeColumn('last_used_at'),
          datetimeColumn('revoked_at'),
          datetimeColumn('created_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
        ],
        indices: [
          new TableIndex({
            name: 'auth_sessions_token_hash_unique',
            columnNames: ['token_hash'],
            isUnique: true,
          }),
          new TableIndex({ name: 'auth_sessions_user_id_index', columnNames: ['user_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'auth_sessions_user_id_foreign',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          // A deleted workspace only clears the login's current choice.
          new TableForeignKey({
            name: 'auth_sessions_current_workspace_id_foreign',
            columnNames: ['current_workspace_id'],
            referencedTableName: 'workspaces',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
      false,
      true,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_sessions', false, true, true);
  }
}
