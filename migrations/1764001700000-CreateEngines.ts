import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { datetimeColumn, requireTableAbsent } from './schema-helpers';

/**
 * The registry of engines: each engine announces where the server reaches it and how many
 * sessions it runs, so every server node routes a session's commands to the engine holding its
 * lease and new sessions to the least loaded live engine.
 */
export class CreateEngines1764001700000 implements MigrationInterface {
  name = 'CreateEngines1764001700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireTableAbsent(queryRunner, 'engines');
    await queryRunner.createTable(
      new Table({
        name: 'engines',
        columns: [
          { name: 'engine_id', type: 'varchar', length: '191', isPrimary: true },
          { name: 'url', type: 'varchar', length: '512' },
          { name: 'sessions', type: 'int', unsigned: true, default: 0 },
          { name: 'max_sessions', type: 'int', unsigned: true, default: 0 },
          { name: 'memory_mb', type: 'int', unsigned: true, isNullable: true },
          datetimeColumn('last_seen_at', { isNullable: false }),
          datetimeColumn('expires_at', { isNullable: false }),
        ],
        indices: [
          new TableIndex({ name: 'engines_expires_at_index', columnNames: ['expires_at'] }),
        ],
      }),
      false,
      true,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('engines', false, true, true);
  }
}
