import 'reflect-metadata';
import { createEngineApp } from './create-engine-app';
import { EngineConfigError, loadEngineConfig } from './engine-config';
import { createEngineLogger } from './logging/logger';

async function main(): Promise<void> {
  const config = loadEngineConfig(process.env);
  const logger = createEngineLogger(config.logLevel, config.engineId);
  const app = await createEngineApp(config, logger);
  await app.listen(config.port, config.host);
  logger.info(
    { port: config.port, max_sessions: config.maxSessions, data_dir: config.dataDir },
    'engine listening',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof EngineConfigError
      ? `${error.message}\n`
      : `engine failed to start: ${String((error as Error).stack ?? error)}\n`,
  );
  process.exit(1);
});
