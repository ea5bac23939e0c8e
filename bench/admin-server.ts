// The server of the admin bench (forked by admin-run.ts): the real app on the embedded default
// (SQLite, local drivers) serving the built SPA, in a process of its own so it does not share an
// event loop with the bench that drives the browser and sends the webhooks.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp, keepConnectionsAlive } from '../apps/server/src/create-app';

export type AdminServerMessage =
  { type: 'ready'; url: string; adminEmail: string } | { type: 'error'; message: string };

async function main(): Promise<void> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: process.env.ADMIN_BENCH_DATABASE_URL,
      ENCRYPTION_KEY: 'b'.repeat(64),
      ENGINE_SECRET: 'e'.repeat(40),
      ADMIN_PASSWORD: process.env.ADMIN_BENCH_ADMIN_PASSWORD,
      META_GRAPH_URL: process.env.ADMIN_BENCH_META_GRAPH_URL,
      LOGIN_MAX_ATTEMPTS: '1000',
      LOCAL_ENGINE: 'false',
      ADMIN_DIST_DIR: process.env.ADMIN_BENCH_DIST_DIR,
    },
    { adminDistDir: process.env.ADMIN_BENCH_DIST_DIR! },
  );
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  keepConnectionsAlive(app.getHttpServer());
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send!({
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    adminEmail: config.adminEmail,
  } satisfies AdminServerMessage);
  // The parent is gone (finished, crashed or killed): close and leave.
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
