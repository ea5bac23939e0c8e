import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { createApp } from '../src/create-app';

export const ADMIN_EMAIL = 'admin@switchboard.test';
export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  http: () => TestAgent;
  close(): Promise<void>;
}

/**
 * The real server in-process, after the real migrations, on the database and drivers the test
 * run is configured for (MariaDB + Redis in CI's first pass, SQLite + local drivers otherwise).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase('e2e');
  // Files the server keeps (media) go to a folder of this app's own, removed with it.
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-data-'));
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL,
      QUEUE_PREFIX: `sbt-${Math.random().toString(36).slice(2, 8)}`,
      ENCRYPTION_KEY: 'c'.repeat(64),
      ENGINE_SECRET: 'e'.repeat(40),
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      DATA_DIR: dataDir,
      ...env,
    },
    { adminDistDir: `${__dirname}/../../admin/dist` },
  );
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.init();
  return {
    app,
    config,
    db,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the API and returns the bearer token. */
export async function loginToken(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.http().post('/api/auth/login').send({ email, password }).expect(200);
  return (res.body as { token: string }).token;
}
