import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SETTING_DEFAULTS, type SettingKey } from '@switchboard/contracts';
import { In, type DataSource } from 'typeorm';
import { Setting } from './setting.entity';

export type SettingValues<K extends SettingKey> = Record<K, string>;

/**
 * Reads and writes the platform `settings` table. A key that is absent (or NULL, as Blazz
 * sometimes left them) reads as its default from the contracts.
 */
@Injectable()
export class SettingsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read<K extends SettingKey>(keys: readonly K[]): Promise<SettingValues<K>> {
    const rows = await this.dataSource.getRepository(Setting).findBy({ key: In([...keys]) });
    const stored = new Map(rows.map((row) => [row.key, row.value]));
    const values = {} as SettingValues<K>;
    for (const key of keys) values[key] = stored.get(key) ?? SETTING_DEFAULTS[key];
    return values;
  }

  /** Writes every value in one transaction, so readers never see half of a change. */
  async write(values: Partial<Record<SettingKey, string>>): Promise<void> {
    const rows = Object.entries(values).map(([key, value]) => ({ key, value }));
    if (rows.length === 0) return;
    await this.dataSource.transaction((manager) =>
      manager.getRepository(Setting).upsert(rows, ['key']),
    );
  }
}
