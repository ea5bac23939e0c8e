// The whole chain for engine system specs: the real server (lease authority, event inbox,
// auth-state store), real engines running the real whatsapp-web.js in Chromium, and the fake
// WhatsApp Web playing WhatsApp and the phone.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  engineRoutePath,
  ENGINE_ROUTES,
  type EngineRouteName,
  type SessionStatus,
} from '@switchboard/contracts';
import { SecretBox, signRequest } from '@switchboard/contracts/node';
import {
  FakeWhatsAppWeb,
  fakeWhatsAppClientOptions,
  freeLoopbackPort,
  waitFor,
} from '@switchboard/testing';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { EngineEventRecord } from '../../server/src/engine-link/engine-event.entity';
import { EngineLeasesService } from '../../server/src/engine-link/engine-leases.service';
import { WhatsappSession } from '../../server/src/sessions/whatsapp-session.entity';
import { startTestApp, type TestApp } from '../../server/test/test-app';
import { createEngineApp } from '../src/create-engine-app';
import { sweepOrphanedChromium } from '../src/process/chromium-sweeper.service';
import { loadEngineConfig } from '../src/engine-config';

export interface EngineHandle {
  id: string;
  url: string;
  /** Stops the engine as an operator would (SIGTERM / app close). */
  stop(): Promise<void>;
}

export interface EngineProcess extends EngineHandle {
  child: ChildProcess;
  /** kill -9 of the engine and every Chromium it started. */
  kill(): Promise<void>;
}

/** An engine event as the server stored it; specs read the fields they assert on. */
export interface StoredEvent {
  type: string;
  engine_id: string;
  data: Record<string, unknown>;
}

export interface EngineOptions {
  id: string;
  /** Defaults to a fresh directory: a machine of its own. */
  dataDir?: string;
  env?: Record<string, string>;
}

export class EngineSystem {
  readonly fake = new FakeWhatsAppWeb();
  server!: TestApp;
  serverUrl!: string;
  private readonly engines: EngineHandle[] = [];
  private readonly dirs: string[] = [];

  async start(): Promise<void> {
    await this.fake.start();
    this.server = await startTestApp();
    await this.server.app.listen(0, '127.0.0.1');
    const { port } = this.server.app.getHttpServer().address() as AddressInfo;
    this.serverUrl = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const engine of this.engines.splice(0).reverse()) await engine.stop().catch(() => {});
    await this.server?.close();
    await this.fake.stop();
    // A Chromium that just exited may still be flushing its profile.
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }

  newDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sb-engine-'));
    this.dirs.push(dir);
    return dir;
  }

  /** Environment of an engine pointed at this server, with short timings for specs. */
  engineEnv(options: EngineOptions, port: number): Record<string, string> {
    return {
      ENGINE_ID: options.id,
      ENGINE_HOST: '127.0.0.1',
      ENGINE_PORT: String(port),
      ENGINE_SECRET: this.server.config.engineSecret,
      SERVER_URL: this.serverUrl,
      ENGINE_DATA_DIR: options.dataDir ?? this.newDataDir(),
      ENGINE_LEASE_TTL_MS: '6000',
      ENGINE_CLAIM_INTERVAL_MS: '1000',
      ENGINE_AUTH_SETTLE_MS: '7000',
      ENGINE_DESTROY_TIMEOUT_MS: '5000',
      // TEST_ENGINE_LOG_LEVEL=debug shows the engines' logs when a spec needs explaining.
      LOG_LEVEL: process.env.TEST_ENGINE_LOG_LEVEL ?? 'silent',
      ...options.env,
    };
  }

  /** An engine inside this test process. */
  async startEngine(options: EngineOptions): Promise<EngineHandle & { app: INestApplication }> {
    const port = await freeLoopbackPort();
    const config = loadEngineConfig(this.engineEnv(options, port));
    const app = await createEngineApp(config, pino({ level: config.logLevel }), {
      clientOptions: fakeWhatsAppClientOptions(this.fake),
    });
    await app.listen(port, '127.0.0.1');
    const handle = {
      id: options.id,
      url: `http://127.0.0.1:${port}`,
      app,
      stop: async () => {
        this.forget(handle);
        await app.close();
      },
    };
    this.engines.push(handle);
    return handle;
  }

  /** An engine in a process of its own (and its own process group, with its Chromiums). */
  async startEngineProcess(options: EngineOptions): Promise<EngineProcess> {
    const port = await freeLoopbackPort();
    const env = this.engineEnv(options, port);
    const child = fork(join(__dirname, 'engine-process.cjs'), [], {
      env: {
        ...process.env,
        ...env,
        TEST_ENGINE_CLIENT_OPTIONS: JSON.stringify(fakeWhatsAppClientOptions(this.fake)),
      },
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`engine process exited with ${code}`)));
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const handle: EngineProcess = {
      id: options.id,
      url: `http://127.0.0.1:${port}`,
      child,
      kill: async () => {
        this.forget(handle);
        signalGroup('SIGKILL');
        await exited;
        // puppeteer starts each Chromium in a process group of its own: kill them as the death
        // of the machine would.
        await sweepOrphanedChromium(env.ENGINE_DATA_DIR!);
      },
      stop: async () => {
        this.forget(handle);
        signalGroup('SIGTERM');
        await exited;
        signalGroup('SIGKILL');
      },
    };
    this.engines.push(handle);
    return handle;
  }

  /** A signed command to an engine, as the server sends them. */
  async command(
    engine: { url: string },
    name: EngineRouteName,
    sessionId: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const response = await fetch(`${engine.url}${engineRoutePath(name, { sessionId })}`, {
      method: ENGINE_ROUTES[name].method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...signRequest(this.server.config.engineSecret, raw, randomUUID()),
      },
      ...(body === undefined ? {} : { body: raw }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  /** A number of the first workspace, as the sessions API would create it. */
  async createSession(): Promise<WhatsappSession> {
    const sessions = this.dataSource().getRepository(WhatsappSession);
    return sessions.save(
      sessions.create({
        uuid: randomUUID(),
        workspaceId: 1,
        sessionId: `wa_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
        providerType: 'webjs',
        status: 'initializing',
      }),
    );
  }

  row(sessionId: string): Promise<WhatsappSession> {
    return this.dataSource().getRepository(WhatsappSession).findOneByOrFail({ sessionId });
  }

  async hasStoredLogin(sessionId: string): Promise<boolean> {
    return (await this.sealedLogin(sessionId)) !== null;
  }

  /** When an engine last saved the session's login at the server. */
  async storedLoginUpdatedAt(sessionId: string): Promise<Date | null> {
    const sealed = await this.sealedLogin(sessionId);
    if (!sealed) return null;
    const state = JSON.parse(this.server.app.get(SecretBox).open(sealed).toString('utf8')) as {
      updated_at: string;
    };
    return new Date(state.updated_at);
  }

  private async sealedLogin(sessionId: string): Promise<string | null> {
    const row = await this.dataSource()
      .getRepository(WhatsappSession)
      .createQueryBuilder('s')
      .addSelect('s.sessionData')
      .where({ sessionId })
      .getOneOrFail();
    return row.sessionData;
  }

  /** Waits until the server's row shows the status (and reason), as the engine reported it. */
  async statusIs(
    sessionId: string,
    status: SessionStatus,
    reason?: string,
    timeoutMs = 30_000,
  ): Promise<WhatsappSession> {
    let row: WhatsappSession | null = null;
    await waitFor(
      async () => {
        row = await this.row(sessionId);
        return row.status === status && (reason === undefined || row.disconnectReason === reason);
      },
      `session ${sessionId} to be ${status}${reason ? `/${reason}` : ''}`,
      timeoutMs,
      () => this.explain(sessionId),
    );
    return row!;
  }

  /** What the server knows of a session, for failure messages. */
  async explain(sessionId: string): Promise<string> {
    const row = await this.row(sessionId);
    const holder = await this.server.app.get(EngineLeasesService).holder(sessionId);
    const events = (await this.events(sessionId)).map((e) => `${e.engine_id}:${e.type}`);
    return JSON.stringify({
      status: row.status,
      reason: row.disconnectReason,
      engine: row.engineId,
      lease_holder: holder,
      stored_login: await this.hasStoredLogin(sessionId),
      events: events.slice(-12),
    });
  }

  /** Engine events the server stored for a session, oldest first. */
  async events(sessionId: string, type?: string): Promise<StoredEvent[]> {
    const rows = await this.dataSource()
      .getRepository(EngineEventRecord)
      .find({ where: { sessionId, ...(type ? { type } : {}) }, order: { id: 'ASC' } });
    return rows.map((r) => JSON.parse(r.payload) as StoredEvent);
  }

  private dataSource(): DataSource {
    return this.server.app.get(DataSource);
  }

  private forget(handle: EngineHandle): void {
    const index = this.engines.indexOf(handle);
    if (index >= 0) this.engines.splice(index, 1);
  }
}
