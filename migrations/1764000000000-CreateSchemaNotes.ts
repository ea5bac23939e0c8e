import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SCHEMA_NOTES_TABLE } from './schema-helpers';

/**
 * Switchboard's bookkeeping table: what later migrations created or inserted in a database that may
 * be Blazz's, so that reverting them removes exactly that (see SchemaNotes).
 */
export class CreateSchemaNotes1764000000000 implements MigrationInterface {
  name = 'CreateSchemaNotes1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: SCHEMA_NOTES_TABLE,
        columns: [
          { name: 'name', type: 'varchar', length: '191', isPrimary: true },
          { name: 'value', type: 'text', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(SCHEMA_NOTES_TABLE);
  }
}
