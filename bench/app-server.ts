// The Switchboard server of a bench, forked by `startAppServer` (app-server-process.ts): the real
// app in a process of its own, so it does not share an event loop with the load. Its settings come
// from the parent in BENCH_APP_ENV (JSON, Switchboard's own variable names).
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp, keepConnectionsAlive } from '../apps/server/src/create-app';

export type AppServerMessage =
  | { type: 'ready'; url: string; adminEmail: string }
  | { type: 'cpu'; ms: number }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const env = JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      ENGINE_SECRET: 'e'.repeat(40),
      LOGIN_MAX_ATTEMPTS: '1000',
      LOCAL_ENGINE: 'false',
      ...env,
    },
    { adminDistDir: env.ADMIN_DIST_DIR ?? '/nonexistent' },
  );
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  keepConnectionsAlive(app.getHttpServer());
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send!({
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    adminEmail: config.adminEmail,
  } satisfies AppServerMessage);
  // CPU time used so far (user + system), for the parent's per-request and per-message figures.
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', ms: (user + system) / 1000 } satisfies AppServerMessage);
  });
  // The parent is gone (finished, crashed or killed): close and leave.
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
