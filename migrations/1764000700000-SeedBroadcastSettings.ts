import { SETTING_DEFAULTS } from '@switchboard/contracts';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SchemaNotes, quote, selectRows } from './schema-helpers';

/**
 * The platform settings Switchboard reads (broadcast driver, Pusher keys), inserted where absent.
 * Existing values, such as Blazz's `pusher_app_key`, are never touched; a second run inserts
 * nothing. What was inserted is recorded so `down` deletes only that.
 */
export class SeedBroadcastSettings1764000700000 implements MigrationInterface {
  name = 'SeedBroadcastSettings1764000700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    const key = quote(queryRunner, 'key');
    const value = quote(queryRunner, 'value');
    for (const [name, defaultValue] of Object.entries(SETTING_DEFAULTS)) {
      const present = await selectRows(
        queryRunner,
        `SELECT 1 AS present FROM settings WHERE ${key} = ?`,
        [name],
      );
      if (present.length > 0) continue;
      await queryRunner.query(`INSERT INTO settings (${key}, ${value}) VALUES (?, ?)`, [
        name,
        defaultValue,
      ]);
      await notes.record(`setting:${name}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const notes = new SchemaNotes(queryRunner, this.name);
    const key = quote(queryRunner, 'key');
    for (const name of await notes.list('setting:')) {
      await queryRunner.query(`DELETE FROM settings WHERE ${key} = ?`, [name]);
      await notes.forget(`setting:${name}`);
    }
  }
}
