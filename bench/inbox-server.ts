// The server of the inbox bench (forked by inbox.bench.ts): the real app on the bench's MariaDB
// and Redis, in a process of its own so it does not share an event loop with the load.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp, keepConnectionsAlive } from '../apps/server/src/create-app';

export type InboxServerMessage =
  | { type: 'ready'; url: string; adminEmail: string }
  | { type: 'cpu'; ms: number }
  | { type: 'error'; message: string };

async function main(): Promise<void> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: process.env.INBOX_BENCH_DATABASE_URL,
      REDIS_URL: process.env.INBOX_BENCH_REDIS_URL,
      ENCRYPTION_KEY: process.env.INBOX_BENCH_ENCRYPTION_KEY,
      ENGINE_SECRET: 'e'.repeat(40),
      ADMIN_PASSWORD: process.env.INBOX_BENCH_ADMIN_PASSWORD,
      LOGIN_MAX_ATTEMPTS: '1000',
      LOCAL_ENGINE: 'false',
      BODY_LIMIT_BYTES: String(8 * 1_048_576),
    },
    { adminDistDir: '/nonexistent' },
  );
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  keepConnectionsAlive(app.getHttpServer());
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send!({
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    adminEmail: config.adminEmail,
  } satisfies InboxServerMessage);
  // CPU time used so far (user + system), for the parent's per-request and per-message figures.
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', ms: (user + system) / 1000 } satisfies InboxServerMessage);
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
