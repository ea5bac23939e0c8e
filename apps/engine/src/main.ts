import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { EngineConfigError, loadEngineConfig } from './engine-config';
import { EngineModule } from './engine.module';

async function main(): Promise<void> {
  const config = loadEngineConfig(process.env);
  const logger = pino({
    level: config.logLevel,
    base: { service: 'engine', engine: config.engineId },
  });
  const app = await NestFactory.create(EngineModule.forRoot(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  logger.info({ port: config.port }, 'engine listening');
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof EngineConfigError
      ? `${error.message}\n`
      : `engine failed to start: ${String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});
