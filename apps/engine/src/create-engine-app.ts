import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { EngineExceptionFilter } from './common/engine-exception.filter';
import type { EngineConfig } from './engine-config';
import { EngineModule, type EngineModuleOptions } from './engine.module';
import { PinoNestLogger } from './logging/logger';

/** Builds the engine's HTTP app; `main.ts` listens on it, tests drive it in-process. */
export async function createEngineApp(
  config: EngineConfig,
  logger: Logger,
  options: Omit<EngineModuleOptions, 'logger'> = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    EngineModule.forRoot(config, { ...options, logger }),
    // The raw body is what the HMAC signature covers.
    { logger: new PinoNestLogger(logger), rawBody: true, bodyParser: false },
  );
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  app.useGlobalFilters(new EngineExceptionFilter(logger));
  app.enableShutdownHooks();
  return app;
}
