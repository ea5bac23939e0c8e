import { Module, type DynamicModule } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { SessionsController } from './api/sessions.controller';
import { ReplayCache } from './api/replay-cache';
import { SignedRequestGuard } from './api/signed-request.guard';
import { EventOutboxService } from './callbacks/event-outbox.service';
import { EventSender } from './callbacks/event-sender';
import type { EngineConfig } from './engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER, WHATSAPP_CLIENT_FACTORY } from './engine.tokens';
import { HealthController } from './health/health.controller';
import { EnginePresenceService } from './ownership/engine-presence.service';
import { SessionAdoptionService } from './ownership/session-adoption.service';
import { SessionCustodyService } from './ownership/session-custody.service';
import { ChromiumSweeperService } from './process/chromium-sweeper.service';
import { ProcessGuardService } from './process/process-guard.service';
import { ServerLinkClient } from './server-link/server-link.client';
import { SERVER_LINK, type EngineServerLink } from './server-link/server-link.port';
import { SessionHostService } from './sessions/session-host.service';
import { SessionWatchdogService } from './sessions/session-watchdog.service';
import { WebJsClientFactory, type ExtraClientOptions } from './whatsapp/webjs-client.factory';
import type { WhatsAppClientFactory } from './whatsapp/whatsapp-client.port';

export interface EngineModuleOptions {
  logger?: Logger;
  /** Replaces whatsapp-web.js altogether, e.g. with the in-process fake client. */
  clientFactory?: WhatsAppClientFactory;
  /**
   * Added to every real client's options: a pinned `webVersion`/`webVersionCache`, extra
   * puppeteer `args`. Only code can set this; production takes its options from the config.
   */
  clientOptions?: ExtraClientOptions;
  /** Replaces the signed HTTP link to the server (leases, claims, auth state) in specs. */
  serverLink?: EngineServerLink;
}

@Module({})
export class EngineModule {
  static forRoot(config: EngineConfig, options: EngineModuleOptions = {}): DynamicModule {
    const logger = options.logger ?? pino({ level: config.logLevel });
    return {
      module: EngineModule,
      controllers: [HealthController, SessionsController],
      providers: [
        { provide: ENGINE_CONFIG, useValue: config },
        { provide: ENGINE_LOGGER, useValue: logger },
        {
          provide: WHATSAPP_CLIENT_FACTORY,
          useFactory: () =>
            options.clientFactory ?? new WebJsClientFactory(config, options.clientOptions),
        },
        ProcessGuardService,
        ChromiumSweeperService,
        ReplayCache,
        SignedRequestGuard,
        EventSender,
        EventOutboxService,
        ServerLinkClient,
        options.serverLink
          ? { provide: SERVER_LINK, useValue: options.serverLink }
          : { provide: SERVER_LINK, useExisting: ServerLinkClient },
        SessionCustodyService,
        SessionHostService,
        SessionAdoptionService,
        EnginePresenceService,
        SessionWatchdogService,
      ],
    };
  }
}
