import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { META_GRAPH_OPTIONS, metaGraphOptionsFromEnv } from '../sessions/meta-credentials.checker';
import { MetaCloudAdapter } from './meta-cloud/meta-cloud.adapter';
import { MetaGraphClient } from './meta-cloud/meta-graph.client';
import { WebjsAdapter } from './webjs/webjs.adapter';
import { WHATSAPP_ADAPTERS, type WhatsAppAdapters } from './whatsapp-adapter.port';

/**
 * The provider port and its adapters: `meta-cloud` (Graph API) and `webjs` (through the engine).
 * The only module that knows a provider's payloads and URLs.
 */
@Module({
  imports: [EngineLinkModule],
  providers: [
    { provide: META_GRAPH_OPTIONS, useFactory: () => metaGraphOptionsFromEnv(process.env) },
    MetaGraphClient,
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
  exports: [WHATSAPP_ADAPTERS],
})
export class WhatsAppModule {}
