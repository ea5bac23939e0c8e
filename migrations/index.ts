import { CreateSchemaNotes1764000000000 } from './1764000000000-CreateSchemaNotes';
import { AdoptBlazzCoreTables1764000100000 } from './1764000100000-AdoptBlazzCoreTables';
import { CreateAuthSessions1764000200000 } from './1764000200000-CreateAuthSessions';
import { CreateWhatsappSessions1764000300000 } from './1764000300000-CreateWhatsappSessions';
import { LinkMessagesToWhatsappSessions1764000400000 } from './1764000400000-LinkMessagesToWhatsappSessions';
import { moveMetaCredentialsMigration } from './1764000500000-MoveMetaCredentialsToSessions';
import { addPlanWhatsappNumberLimitMigration } from './1764000600000-AddPlanWhatsappNumberLimit';
import { SeedBroadcastSettings1764000700000 } from './1764000700000-SeedBroadcastSettings';
import { IndexContactsForListing1764000800000 } from './1764000800000-IndexContactsForListing';
import { CreateEngineEvents1764000900000 } from './1764000900000-CreateEngineEvents';
import { AddInboxColumns1764001100000 } from './1764001100000-AddInboxColumns';
import { IndexChatsForInbox1764001200000 } from './1764001200000-IndexChatsForInbox';
import { IndexContactsForInbox1764001300000 } from './1764001300000-IndexContactsForInbox';
import { AddChatIdempotencyKey1764001400000 } from './1764001400000-AddChatIdempotencyKey';
import { AddUserLocale1764001500000 } from './1764001500000-AddUserLocale';
import { CreateEngines1764001700000 } from './1764001700000-CreateEngines';
import { AddNumberUnreadCount1764001800000 } from './1764001800000-AddNumberUnreadCount';
import type { MigrationClass, MigrationContext } from './migration-context';

export type { MigrationClass, MigrationContext } from './migration-context';
export { BLAZZ_CORE_TABLES } from './1764000100000-AdoptBlazzCoreTables';
export {
  META_CREDENTIAL_KEYS,
  META_MIGRATED_FROM,
} from './1764000500000-MoveMetaCredentialsToSessions';
export { SCHEMA_NOTES_TABLE } from './schema-helpers';

/**
 * Switchboard's migrations, oldest first. Pass the result as the DataSource's `migrations`; the
 * classes that need the context (a SecretBox, a report sink) close over it.
 */
export function buildMigrations(ctx: MigrationContext): MigrationClass[] {
  return [
    CreateSchemaNotes1764000000000,
    AdoptBlazzCoreTables1764000100000,
    CreateAuthSessions1764000200000,
    CreateWhatsappSessions1764000300000,
    LinkMessagesToWhatsappSessions1764000400000,
    moveMetaCredentialsMigration(ctx),
    addPlanWhatsappNumberLimitMigration(ctx),
    SeedBroadcastSettings1764000700000,
    IndexContactsForListing1764000800000,
    CreateEngineEvents1764000900000,
    AddInboxColumns1764001100000,
    IndexChatsForInbox1764001200000,
    IndexContactsForInbox1764001300000,
    AddChatIdempotencyKey1764001400000,
    AddUserLocale1764001500000,
    CreateEngines1764001700000,
    AddNumberUnreadCount1764001800000,
  ];
}
