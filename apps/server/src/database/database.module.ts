import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TransactionRunner } from './transaction-runner';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretBox } from '@switchboard/contracts/node';
import { buildMigrations } from '@switchboard/migrations';
import type { Logger } from 'pino';
import { AuthSession } from '../auth/auth-session.entity';
import type { AppConfig } from '../config/app-config';
import { Contact } from '../inbox/contact.entity';
import { EngineEventRecord } from '../engine-link/engine-event.entity';
import { EngineNode } from '../engine-link/engine-node.entity';
import { Chat } from '../messaging/chat.entity';
import { ContactSession } from '../messaging/contact-session.entity';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { Setting } from '../settings/setting.entity';
import { User } from '../users/user.entity';
import { Team } from '../workspaces/team.entity';
import { Workspace } from '../workspaces/workspace.entity';
import { buildDataSourceOptions } from './data-source-options';
import { ensureSqliteFolder } from './database-url';
import { runPendingMigrations } from './migration-runner';

export const ENTITIES = [
  User,
  Workspace,
  Team,
  AuthSession,
  Contact,
  Setting,
  WhatsappSession,
  EngineEventRecord,
  EngineNode,
  Chat,
  ContactSession,
];

export function secretBoxFrom(config: AppConfig): SecretBox {
  return new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
}

/** TypeORM on the configured database; pending migrations run at boot unless MIGRATE_ON_BOOT=false. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const secretBox = secretBoxFrom(config);
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => {
            ensureSqliteFolder(config.database);
            return buildDataSourceOptions(config.database, {
              entities: ENTITIES,
              migrations: buildMigrations({
                secretBox,
                report: (line) => logger.warn({ migration: true }, line),
              }),
            });
          },
          dataSourceFactory: async (options) => {
            const { DataSource } = await import('typeorm');
            const dataSource = await new DataSource(options!).initialize();
            if (config.migrateOnBoot) {
              const ran = await runPendingMigrations(dataSource);
              if (ran.length > 0)
                logger.info({ migrations: ran.map((m) => m.name) }, 'database migrated');
            }
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: SecretBox, useValue: secretBox }, TransactionRunner],
      exports: [SecretBox, TransactionRunner],
    };
  }
}
