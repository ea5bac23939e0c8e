// The numbers API's world: the real server, a real engine in-process on the fast fake WhatsApp
// client (pointed at each other with the server's ENGINE_SECRET), and the fake Meta Graph API.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  FakeMetaGraphApi,
  FakeWhatsAppClientFactory,
  freeLoopbackPort,
} from '@switchboard/testing';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createEngineApp } from '../../engine/src/create-engine-app';
import { loadEngineConfig } from '../../engine/src/engine-config';
import { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import { listenOnLoopback } from './realtime-test-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

export interface SessionsWorld {
  t: TestApp;
  serverUrl: string;
  engine: NestExpressApplication;
  clients: FakeWhatsAppClientFactory;
  meta: FakeMetaGraphApi;
  close(): Promise<void>;
}

/**
 * Starts the fake Graph API, the server (ENGINE_URL = the engine's port, META_GRAPH_URL = the
 * fake) and an engine whose clients are `clients`, in that order: the engine needs the server's
 * URL and secret, the server only the engine's port.
 */
export async function startSessionsWorld(): Promise<SessionsWorld> {
  const meta = new FakeMetaGraphApi();
  await meta.start();
  const enginePort = await freeLoopbackPort();
  const t = await startTestApp({
    ENGINE_URL: `http://127.0.0.1:${enginePort}`,
    META_GRAPH_URL: meta.origin,
  });
  const serverUrl = await listenOnLoopback(t.app);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-sessions-engine-'));
  const clients = new FakeWhatsAppClientFactory();
  const config = loadEngineConfig({
    ENGINE_ID: 'engine-sessions',
    ENGINE_HOST: '127.0.0.1',
    ENGINE_PORT: String(enginePort),
    ENGINE_SECRET: t.config.engineSecret,
    SERVER_URL: serverUrl,
    ENGINE_DATA_DIR: dataDir,
    ENGINE_CLAIM_INTERVAL_MS: '0',
    ENGINE_WATCHDOG_INTERVAL_MS: '0',
    ENGINE_AUTH_SETTLE_MS: '0',
    LOG_LEVEL: process.env.TEST_ENGINE_LOG_LEVEL ?? 'silent',
  });
  const engine = await createEngineApp(config, pino({ level: config.logLevel }), {
    clientFactory: clients,
  });
  await engine.listen(enginePort, '127.0.0.1');
  return {
    t,
    serverUrl,
    engine,
    clients,
    meta,
    close: async () => {
      // The engine gives its leases back to the server on the way out, so it goes first.
      await engine.close();
      await t.close();
      await meta.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string, workspaceId?: number): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    ...(workspaceId === undefined ? {} : { 'x-workspace-id': String(workspaceId) }),
  };
}

/** Subscribes the workspace to a plan allowing `maxNumbers` WhatsApp numbers. */
export async function subscribeToPlan(
  t: TestApp,
  workspaceId: number,
  maxNumbers: number,
): Promise<void> {
  const dataSource = t.app.get(DataSource);
  const uuid = randomUUID();
  await dataSource
    .createQueryBuilder()
    .insert()
    .into('subscription_plans')
    .values({
      uuid,
      name: `Plan ${maxNumbers}`,
      price: '10.00',
      period: 'monthly',
      status: 'active',
      max_whatsapp_numbers: maxNumbers,
    })
    .execute();
  const plan = await dataSource
    .createQueryBuilder()
    .select('p.id', 'id')
    .from('subscription_plans', 'p')
    .where('p.uuid = :uuid', { uuid })
    .getRawOne<{ id: number | string }>();
  await dataSource
    .createQueryBuilder()
    .insert()
    .into('subscriptions')
    .values({
      uuid: randomUUID(),
      workspace_id: workspaceId,
      plan_id: Number(plan!.id),
      status: 'active',
    })
    .execute();
}

/** A new workspace owned by the platform admin, optionally on a plan; returns its id and token. */
export async function adminWorkspace(
  t: TestApp,
  name: string,
  maxNumbers?: number,
): Promise<{ workspaceId: number; headers: Record<string, string> }> {
  const token = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
  const res = await t.http().post('/api/workspaces').set(bearer(token)).send({ name }).expect(201);
  const workspaceId = (res.body as { id: number }).id;
  if (maxNumbers !== undefined) await subscribeToPlan(t, workspaceId, maxNumbers);
  return { workspaceId, headers: bearer(token, workspaceId) };
}

/** The stored row of a number, secrets included. */
export function sessionRow(t: TestApp, uuid: string): Promise<WhatsappSession | null> {
  return t.app
    .get(DataSource)
    .getRepository(WhatsappSession)
    .createQueryBuilder('s')
    .addSelect('s.sessionData')
    .withDeleted()
    .where('s.uuid = :uuid', { uuid })
    .getOne();
}

export function countSessions(t: TestApp, workspaceId: number): Promise<number> {
  return t.app
    .get(DataSource)
    .getRepository(WhatsappSession)
    .count({ where: { workspaceId }, withDeleted: true });
}
