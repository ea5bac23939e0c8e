import { DEFAULT_MAX_WHATSAPP_NUMBERS } from '@switchboard/contracts';
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { isJsonObject, parseJson, type JsonValue } from './json-text';
import type { MigrationClass, MigrationContext } from './migration-context';
import {
  addColumnInPlace,
  dropColumnInPlace,
  jsonAsText,
  requireColumns,
  selectRows,
  type RowId,
} from './schema-helpers';

/**
 * The number of WhatsApp numbers a plan allows, stored as a typed column (blazz-reference §5.6,
 * §8.5) instead of being dug out of the plan's metadata text at request time. Existing plans take
 * `metadata.max_whatsapp_numbers` (the planned key) or Blazz's `metadata.limits.whatsapp_accounts`,
 * else the default. The metadata text itself is left as it is.
 */
const COLUMN = 'max_whatsapp_numbers';

export function addPlanWhatsappNumberLimitMigration(ctx: MigrationContext): MigrationClass {
  return class AddPlanWhatsappNumberLimit1764000600000 implements MigrationInterface {
    name = 'AddPlanWhatsappNumberLimit1764000600000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await requireColumns(queryRunner, 'subscription_plans', ['id', 'metadata']);
      await addColumnInPlace(
        queryRunner,
        'subscription_plans',
        new TableColumn({ name: COLUMN, type: 'int', default: DEFAULT_MAX_WHATSAPP_NUMBERS }),
      );
      const plans = await selectRows<{ id: RowId; metadata: string | null }>(
        queryRunner,
        `SELECT id, ${jsonAsText(queryRunner, 'metadata')} AS metadata FROM subscription_plans ORDER BY id`,
      );
      for (const plan of plans) {
        const limit = limitFromMetadata(plan.id, plan.metadata, (line) => ctx.report(line));
        if (limit === DEFAULT_MAX_WHATSAPP_NUMBERS) continue;
        await queryRunner.query(`UPDATE subscription_plans SET ${COLUMN} = ? WHERE id = ?`, [
          limit,
          plan.id,
        ]);
      }
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await dropColumnInPlace(queryRunner, 'subscription_plans', COLUMN);
    }
  };
}

function limitFromMetadata(
  planId: RowId,
  text: string | null,
  report: (line: string) => void,
): number {
  if (text === null || text.trim() === '') return DEFAULT_MAX_WHATSAPP_NUMBERS;
  const metadata = parseJson(text);
  if (!isJsonObject(metadata)) {
    report(
      `subscription plan ${planId}: metadata is not a JSON object; WhatsApp number limit set to the default`,
    );
    return DEFAULT_MAX_WHATSAPP_NUMBERS;
  }
  const limits = isJsonObject(metadata.limits) ? metadata.limits : {};
  const candidates: Array<[string, JsonValue | undefined]> = [
    ['metadata.max_whatsapp_numbers', metadata.max_whatsapp_numbers],
    ['metadata.limits.whatsapp_accounts', limits.whatsapp_accounts],
  ];
  for (const [path, value] of candidates) {
    if (value === undefined || value === null || value === '') continue;
    const limit = positiveWholeNumber(value);
    if (limit !== null) return limit;
    report(
      `subscription plan ${planId}: ${path} = ${JSON.stringify(value)} is not a positive whole number; ignored`,
    );
  }
  return DEFAULT_MAX_WHATSAPP_NUMBERS;
}

function positiveWholeNumber(value: JsonValue): number | null {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(number) && number >= 1 && number <= 2_147_483_647 ? number : null;
}
