import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SchemaNotes, addColumnInPlace, dropColumnInPlace, requireColumns } from './schema-helpers';

/**
 * `users.locale`: the language a user chose for the admin (`en`, `id`), so the choice follows
 * them to any browser. Blazz's `users` has no such column; existing users have none (NULL) until
 * they pick one.
 */
const COLUMN = new TableColumn({
  name: 'locale',
  type: 'varchar',
  length: '8',
  isNullable: true,
});

export class AddUserLocale1764001500000 implements MigrationInterface {
  name = 'AddUserLocale1764001500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await requireColumns(queryRunner, 'users', ['id']);
    const notes = new SchemaNotes(queryRunner, this.name);
    if (!(await queryRunner.hasColumn('users', COLUMN.name))) {
      await addColumnInPlace(queryRunner, 'users', COLUMN);
      await notes.record(`column:users.${COLUMN.name}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    if ((await notes.list(`column:users.${COLUMN.name}`)).length) {
      await dropColumnInPlace(queryRunner, 'users', COLUMN.name);
      await notes.forget(`column:users.${COLUMN.name}`);
    }
  }
}
