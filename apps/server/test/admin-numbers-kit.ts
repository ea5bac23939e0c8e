// The admin SPA's numbers page end to end: the real server serving the built SPA, a real engine
// running the real whatsapp-web.js in Chromium against the fake WhatsApp Web (the phone), and
// Playwright driving another Chromium as the admin.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FakeWhatsAppWeb, fakeWhatsAppClientOptions, freeLoopbackPort } from '@switchboard/testing';
import type { Page } from 'playwright-core';
import pino from 'pino';
import { createEngineApp } from '../../engine/src/create-engine-app';
import { loadEngineConfig } from '../../engine/src/engine-config';
import { listenOnLoopback } from './realtime-test-kit';
import { startTestApp, type TestApp } from './test-app';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Where browser specs write their screenshots: `E2E_ARTIFACTS_DIR`, else `var/e2e-artifacts`
 * at the repository root (ignored by git), one folder per spec.
 */
export function artifactsDir(spec: string): string {
  const root = process.env.E2E_ARTIFACTS_DIR ?? resolve(__dirname, '../../../var/e2e-artifacts');
  const dir = join(root, spec);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-page screenshot as `<dir>/<NN>-<name>.png`, numbered in the order taken. */
export function screenshotter(dir: string): (page: Page, name: string) => Promise<void> {
  let n = 0;
  return async (page, name) => {
    n += 1;
    await page.screenshot({
      path: join(dir, `${String(n).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
}

export interface NumbersWorld {
  t: TestApp;
  baseUrl: string;
  fake: FakeWhatsAppWeb;
  engine: INestApplication;
  close(): Promise<void>;
}

/**
 * The fake WhatsApp Web, the server (ENGINE_URL = the engine) and one engine whose QR window is
 * `qrWindowMs` long, so a spec can watch it run out.
 */
export async function startNumbersWorld(qrWindowMs: number): Promise<NumbersWorld> {
  const fake = new FakeWhatsAppWeb();
  await fake.start();
  const enginePort = await freeLoopbackPort();
  const t = await startTestApp({ ENGINE_URL: `http://127.0.0.1:${enginePort}` });
  const baseUrl = await listenOnLoopback(t.app);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-admin-numbers-'));
  const config = loadEngineConfig({
    ENGINE_ID: 'engine-admin-numbers',
    ENGINE_HOST: '127.0.0.1',
    ENGINE_PORT: String(enginePort),
    ENGINE_SECRET: t.config.engineSecret,
    SERVER_URL: baseUrl,
    ENGINE_DATA_DIR: dataDir,
    ENGINE_QR_WINDOW_MS: String(qrWindowMs),
    ENGINE_CLAIM_INTERVAL_MS: '0',
    ENGINE_WATCHDOG_INTERVAL_MS: '0',
    ENGINE_AUTH_SETTLE_MS: '0',
    ENGINE_DESTROY_TIMEOUT_MS: '5000',
    LOG_LEVEL: process.env.TEST_ENGINE_LOG_LEVEL ?? 'silent',
  });
  const engine = await createEngineApp(config, pino({ level: config.logLevel }), {
    clientOptions: fakeWhatsAppClientOptions(fake),
  });
  await engine.listen(enginePort, '127.0.0.1');
  return {
    t,
    baseUrl,
    fake,
    engine,
    close: async () => {
      // The engine closes its Chromiums and gives its leases back to the server, so it goes first.
      await engine.close();
      await t.close();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
