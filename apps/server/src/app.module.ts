import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DriversModule } from './drivers/drivers.module';
import { EngineLinkModule } from './engine-link/engine-link.module';
import { HealthModule } from './health/health.module';
import { InboxModule } from './inbox/inbox.module';
import { MessagingModule } from './messaging/messaging.module';
import { PlatformModule } from './platform/platform.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SendingModule } from './sending/sending.module';
import { SessionsModule } from './sessions/sessions.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, logger),
        DriversModule.forRoot({ redisUrl: config.redisUrl, queuePrefix: config.queuePrefix }),
        AuthModule,
        WorkspacesModule,
        InboxModule,
        PlatformModule,
        RealtimeModule,
        EngineLinkModule,
        SessionsModule,
        MessagingModule,
        SendingModule,
        HealthModule,
      ],
    };
  }
}
