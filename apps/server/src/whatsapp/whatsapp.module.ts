import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { MetaCloudAdapter } from './meta-cloud/meta-cloud.adapter';
import { MetaCredentialsChecker } from './meta-cloud/meta-credentials.checker';
import { META_GRAPH_OPTIONS, MetaGraphClient } from './meta-cloud/meta-graph.client';
import { WebjsAdapter } from './webjs/webjs.adapter';
import { WHATSAPP_ADAPTERS, type WhatsAppAdapters } from './whatsapp-adapter.port';

/**
 * The provider port and its adapters: `meta-cloud` (Graph API) and `webjs` (through the engine),
 * and the check of a Meta number's credentials. The only module that knows a provider's payloads
 * and URLs.
 */
@Module({
  imports: [EngineLinkModule],
  providers: [
    {
      provide: META_GRAPH_OPTIONS,
      useFactory: (config: AppConfig) => config.metaGraph,
      inject: [APP_CONFIG],
    },
    MetaGraphClient,
    MetaCredentialsChecker,
    MetaCloudAdapter,
    WebjsAdapter,
    {
      provide: WHATSAPP_ADAPTERS,
      useFactory: (meta: MetaCloudAdapter, webjs: WebjsAdapter): WhatsAppAdapters => ({
        meta,
        webjs,
      }),
      inject: [MetaCloudAdapter, WebjsAdapter],
    },
  ],
  exports: [WHATSAPP_ADAPTERS, MetaCredentialsChecker],
})
export class WhatsAppModule {}
