// The body of engine-process.cjs: the real engine app, with the client options a spec passes in
// TEST_ENGINE_CLIENT_OPTIONS (production's main.ts never reads them).
import 'reflect-metadata';
import pino from 'pino';
import { createEngineApp } from '../src/create-engine-app';
import { loadEngineConfig } from '../src/engine-config';
import type { ExtraClientOptions } from '../src/whatsapp/webjs-client.factory';

async function main(): Promise<void> {
  const config = loadEngineConfig(process.env);
  const clientOptions = JSON.parse(
    process.env.TEST_ENGINE_CLIENT_OPTIONS ?? '{}',
  ) as ExtraClientOptions;
  const app = await createEngineApp(config, pino({ level: config.logLevel }), { clientOptions });
  await app.listen(config.port, config.host);
  process.send?.({ listening: config.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`engine process failed: ${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
