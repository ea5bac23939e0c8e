import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { datetimeColumn, idColumn, longTextType, requireTableAbsent } from './schema-helpers';

/**
 * The server's inbox of engine events: each signed event is stored once (by its `event_id`)
 * before it is acted on, so a retried delivery is harmless and nothing is lost when handling
 * fails half-way — unprocessed rows are picked up again at boot.
 */
export class CreateEngineEvents1764000900000 implements MigrationInterface {
  name = 'CreateEngineEvents1764000900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireTableAbsent(queryRunner, 'engine_events');
    await queryRunner.createTable(
      new Table({
        name: 'engine_events',
        columns: [
          idColumn(queryRunner),
          { name: 'event_id', type: 'varchar', length: '64' },
          { name: 'type', type: 'varchar', length: '40' },
          { name: 'session_id', type: 'varchar', length: '191' },
          { name: 'engine_id', type: 'varchar', length: '191' },
          { name: 'sequence', type: 'int', unsigned: true },
          { name: 'payload', type: longTextType(queryRunner) },
          datetimeColumn('occurred_at', { isNullable: false }),
          datetimeColumn('received_at', { default: 'CURRENT_TIMESTAMP', isNullable: false }),
          datetimeColumn('processed_at'),
          { name: 'attempts', type: 'int', unsigned: true, default: 0 },
          { name: 'last_error', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'engine_events_event_id_unique',
            columnNames: ['event_id'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'engine_events_processed_at_id_index',
            columnNames: ['processed_at', 'id'],
          }),
          new TableIndex({
            name: 'engine_events_session_id_index',
            columnNames: ['session_id'],
          }),
        ],
      }),
      false,
      true,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('engine_events', false, true, true);
  }
}
