import { randomUUID } from 'node:crypto';
import type { SecretBox } from '@switchboard/contracts/node';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  detectJsonStyle,
  encodeJson,
  isJsonObject,
  JSON_TEXT_STYLES,
  parseJson,
  type JsonObject,
  type JsonTextStyle,
  type JsonValue,
} from './json-text';
import type { MigrationClass, MigrationContext } from './migration-context';
import { jsonAsText, quote, selectRows, utcNow, type RowId } from './schema-helpers';

/**
 * Moves Meta Cloud API credentials out of `workspaces.metadata.whatsapp` (plaintext, blazz-reference
 * §4.3) into one sealed `provider_type='meta'` session per workspace whose credentials are complete.
 *
 * Only the five credential keys leave the metadata; every other key, inside and outside
 * `whatsapp`, stays, in the same order and JSON spelling. Incomplete credentials are reported and
 * left as they are. `down` puts the credentials (as the session holds them now) back at their
 * original positions and deletes the sessions this migration created.
 */
export const META_CREDENTIAL_KEYS = [
  'access_token',
  'api_version',
  'app_id',
  'phone_number_id',
  'waba_id',
] as const;
export const META_MIGRATED_FROM = 'workspaces.metadata.whatsapp';

/** What the created session's `metadata` holds so that `down` can restore the original JSON. */
interface MigratedSessionMetadata {
  migrated_from: typeof META_MIGRATED_FROM;
  /** Keys of the original `metadata.whatsapp`, in order, credentials included. */
  whatsapp_key_order: string[];
  /** How the workspace's metadata JSON was spelled (see json-text.ts). */
  metadata_json_style: JsonTextStyle;
}

interface WorkspaceRow {
  id: RowId;
  created_by: RowId | null;
  deleted_at: Date | string | null;
  metadata: string | null;
}

type Plan =
  | { kind: 'none' }
  | { kind: 'report'; line: string }
  | {
      kind: 'move';
      workspace: WorkspaceRow;
      credentials: JsonObject;
      phoneNumber: string | null;
      remainingMetadata: string;
      sessionMetadata: MigratedSessionMetadata;
    };

export function moveMetaCredentialsMigration(ctx: MigrationContext): MigrationClass {
  return class MoveMetaCredentialsToSessions1764000500000 implements MigrationInterface {
    name = 'MoveMetaCredentialsToSessions1764000500000';

    async up(queryRunner: QueryRunner): Promise<void> {
      const softDeletes = await queryRunner.hasColumn('workspaces', 'deleted_at');
      const workspaces = await selectRows<WorkspaceRow>(
        queryRunner,
        `SELECT id, created_by, ${softDeletes ? 'deleted_at' : 'NULL'} AS deleted_at, ` +
          `${jsonAsText(queryRunner, 'metadata')} AS metadata FROM workspaces ORDER BY id`,
      );
      const plans = workspaces.map(planWorkspace);
      for (const plan of plans) if (plan.kind === 'report') ctx.report(plan.line);

      const moves = plans.filter(
        (plan): plan is Extract<Plan, { kind: 'move' }> => plan.kind === 'move',
      );
      if (moves.length === 0) return;
      const box = requireSecretBox(
        ctx.secretBox,
        `workspaces ${moves.map((move) => move.workspace.id).join(', ')} hold Meta Cloud API credentials ` +
          'in plaintext (workspaces.metadata.whatsapp) that must be sealed into whatsapp_sessions.session_data',
      );

      for (const move of moves) {
        const { workspace } = move;
        const now = utcNow();
        await queryRunner.query(
          'INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id, phone_number, provider_type, status, ' +
            'session_data, is_primary, is_active, metadata, created_by, created_at, updated_at, deleted_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            randomUUID(),
            workspace.id,
            `meta_${workspace.id}`,
            move.phoneNumber,
            'meta',
            'connected',
            box.seal(JSON.stringify(move.credentials)),
            1,
            1,
            JSON.stringify(move.sessionMetadata),
            workspace.created_by,
            now,
            now,
            // A soft-deleted workspace's number is moved too (no plaintext token stays behind) but
            // stays soft-deleted, so the tenant does not come back to life through it.
            workspace.deleted_at,
          ],
        );
        await queryRunner.query('UPDATE workspaces SET metadata = ? WHERE id = ?', [
          move.remainingMetadata,
          workspace.id,
        ]);
      }
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      const sessions = await selectRows<{
        id: RowId;
        workspace_id: RowId;
        session_data: string | null;
        metadata: string | null;
      }>(
        queryRunner,
        `SELECT id, workspace_id, session_data, ${jsonAsText(queryRunner, 'metadata')} AS metadata ` +
          "FROM whatsapp_sessions WHERE provider_type = 'meta' ORDER BY id",
      );
      const migrated = sessions.flatMap((session) => {
        const metadata = readMigratedSessionMetadata(session.metadata);
        return metadata ? [{ ...session, metadata }] : [];
      });
      if (migrated.length === 0) return;
      const box = requireSecretBox(
        ctx.secretBox,
        'the Meta credentials of the migrated sessions are sealed and must be opened to restore workspaces.metadata',
      );

      for (const session of migrated) {
        const credentials =
          session.session_data === null ? undefined : parseJson(box.openText(session.session_data));
        if (!isJsonObject(credentials)) {
          throw new Error(
            `whatsapp_sessions ${session.id}: session_data does not hold the Meta credentials object`,
          );
        }
        const [workspace] = await selectRows<{ metadata: string | null }>(
          queryRunner,
          `SELECT ${jsonAsText(queryRunner, 'metadata')} AS metadata FROM workspaces WHERE id = ?`,
          [session.workspace_id],
        );
        if (workspace) {
          const restored = restoreMetadata(workspace.metadata, credentials, session.metadata);
          await queryRunner.query('UPDATE workspaces SET metadata = ? WHERE id = ?', [
            restored,
            session.workspace_id,
          ]);
        }
        await forgetSession(queryRunner, session.id);
      }
    }
  };
}

function requireSecretBox(box: SecretBox | null, why: string): SecretBox {
  if (box) return box;
  throw new Error(
    `ENCRYPTION_KEY is required: ${why}. Set ENCRYPTION_KEY and run the migrations again.`,
  );
}

function planWorkspace(workspace: WorkspaceRow): Plan {
  if (workspace.metadata === null || workspace.metadata.trim() === '') return { kind: 'none' };
  const metadata = parseJson(workspace.metadata);
  if (metadata === undefined) {
    return {
      kind: 'report',
      line: `workspace ${workspace.id}: metadata is not valid JSON; Meta credentials, if any, were not examined`,
    };
  }
  if (!isJsonObject(metadata) || !isJsonObject(metadata.whatsapp)) return { kind: 'none' };
  const whatsapp = metadata.whatsapp;
  if (!META_CREDENTIAL_KEYS.some((key) => Object.hasOwn(whatsapp, key))) return { kind: 'none' };

  const missing = META_CREDENTIAL_KEYS.filter((key) => !isFilled(whatsapp[key]));
  if (missing.length > 0) {
    return {
      kind: 'report',
      line:
        `workspace ${workspace.id}: Meta credentials incomplete (missing or empty: ${missing.join(', ')}); ` +
        'left in workspaces.metadata.whatsapp, no session created',
    };
  }
  const style = detectJsonStyle(workspace.metadata);
  if (!style) {
    return {
      kind: 'report',
      line:
        `workspace ${workspace.id}: metadata JSON cannot be rewritten without changing other values ` +
        '(unusual number or key spelling); Meta credentials left in place, move them by hand',
    };
  }

  const credentials = Object.fromEntries(
    META_CREDENTIAL_KEYS.map((key) => [key, whatsapp[key] as JsonValue]),
  );
  const remainingWhatsapp = Object.fromEntries(
    Object.entries(whatsapp).filter(
      ([key]) => !(META_CREDENTIAL_KEYS as readonly string[]).includes(key),
    ),
  );
  const remaining = replaceMember(metadata, 'whatsapp', remainingWhatsapp);
  const display = whatsapp.display_phone_number;
  const digits =
    typeof display === 'string' || typeof display === 'number'
      ? String(display).replace(/\D/g, '')
      : '';
  return {
    kind: 'move',
    workspace,
    credentials,
    phoneNumber: digits || null,
    remainingMetadata: encodeJson(remaining, style),
    sessionMetadata: {
      migrated_from: META_MIGRATED_FROM,
      whatsapp_key_order: Object.keys(whatsapp),
      metadata_json_style: style,
    },
  };
}

function isFilled(value: JsonValue | undefined): boolean {
  return (
    (typeof value === 'string' && value.trim() !== '') ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function readMigratedSessionMetadata(text: string | null): MigratedSessionMetadata | null {
  const value = text === null ? undefined : parseJson(text);
  if (!isJsonObject(value) || value.migrated_from !== META_MIGRATED_FROM) return null;
  const order = value.whatsapp_key_order;
  const style = value.metadata_json_style;
  return {
    migrated_from: META_MIGRATED_FROM,
    whatsapp_key_order: Array.isArray(order)
      ? order.filter((key): key is string => typeof key === 'string')
      : [],
    metadata_json_style: JSON_TEXT_STYLES.find((known) => known === style) ?? 'compact',
  };
}

/** The workspace's current metadata with the credentials put back where they were. */
function restoreMetadata(
  current: string | null,
  credentials: JsonObject,
  session: MigratedSessionMetadata,
): string {
  const parsed = current === null ? {} : parseJson(current);
  if (!isJsonObject(parsed)) {
    throw new Error(
      'workspaces.metadata is no longer a JSON object; the Meta credentials cannot be put back',
    );
  }
  const whatsapp = isJsonObject(parsed.whatsapp) ? parsed.whatsapp : {};
  const entries: Array<[string, JsonValue]> = [];
  const placed = new Set<string>();
  const place = (key: string, value: JsonValue): void => {
    if (placed.has(key)) return;
    placed.add(key);
    entries.push([key, value]);
  };
  for (const key of session.whatsapp_key_order) {
    if (Object.hasOwn(credentials, key)) place(key, credentials[key]!);
    else if (Object.hasOwn(whatsapp, key)) place(key, whatsapp[key]!);
  }
  for (const [key, value] of Object.entries(whatsapp)) place(key, value);
  for (const [key, value] of Object.entries(credentials)) place(key, value);
  return encodeJson(
    replaceMember(parsed, 'whatsapp', Object.fromEntries(entries)),
    session.metadata_json_style,
  );
}

/** A copy of `object` with `key` set to `value`, at the key's position (appended when new). */
function replaceMember(object: JsonObject, key: string, value: JsonValue): JsonObject {
  const entries = Object.entries(object).map(([name, item]): [string, JsonValue] => [
    name,
    name === key ? value : item,
  ]);
  if (!Object.hasOwn(object, key)) entries.push([key, value]);
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(entries);
}

/**
 * Deletes a session this migration created. Foreign keys are off while migrations run on SQLite,
 * so the ON DELETE actions of the rows that point at it are applied here explicitly.
 */
async function forgetSession(queryRunner: QueryRunner, sessionId: RowId): Promise<void> {
  for (const table of ['chats', 'campaign_logs']) {
    if (await queryRunner.hasColumn(table, 'whatsapp_session_id')) {
      await queryRunner.query(
        `UPDATE ${quote(queryRunner, table)} SET whatsapp_session_id = NULL WHERE whatsapp_session_id = ?`,
        [sessionId],
      );
    }
  }
  await queryRunner.query('DELETE FROM contact_sessions WHERE whatsapp_session_id = ?', [
    sessionId,
  ]);
  await queryRunner.query('DELETE FROM whatsapp_sessions WHERE id = ?', [sessionId]);
}
