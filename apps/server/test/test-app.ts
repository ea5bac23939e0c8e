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
    },
  };
}

/** Logs in through the API and returns the bearer token. */
export async function loginToken(t: TestApp, email: string, password: string): Promise<string> {
  const res = await t.http().post('/api/auth/login').send({ email, password }).expect(200);
  return (res.body as { token: string }).token;
}
