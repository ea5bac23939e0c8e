import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { engineRoutePath, ENGINE_ROUTES, type EngineRouteName } from '@switchboard/contracts';
import { signRequest } from '@switchboard/contracts/node';
import pino from 'pino';
import { DataSource, In } from 'typeorm';
import { createEngineApp } from '../apps/engine/src/create-engine-app';
import { loadEngineConfig } from '../apps/engine/src/engine-config';
import { SessionHostService } from '../apps/engine/src/sessions/session-host.service';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp } from '../apps/server/src/create-app';
import { EngineEventRecord } from '../apps/server/src/engine-link/engine-event.entity';
import { WhatsappSession } from '../apps/server/src/sessions/whatsapp-session.entity';
import { FakeWhatsAppWeb } from '../libs/testing/src/fake-whatsapp-web/fake-whatsapp-web';
import { fakeWhatsAppClientOptions } from '../libs/testing/src/fake-whatsapp-web/fake-whatsapp-web.options';
import {
  cpuSeconds,
  descendantsOf,
  memAvailableBytes,
  memTotalBytes,
  pssBytes,
} from './process-stats';
import { round } from './stats';
import { ProcessCpuSampler, type CpuBreakdown } from './engine-cpu';

const ENGINE_SECRET = 'e'.repeat(40);
const ENGINE_ID = 'engine-bench';
const MiB = 1024 * 1024;

export interface EngineBenchOptions {
  /** Sessions linked and held for the memory, idle-CPU and restore phases. */
  sessions: number;
  /** Sessions started at once: the QR latency phase, and the batch size when linking. */
  together: number;
  /** How long the held sessions are watched for idle CPU. */
  idleSeconds: number;
  /** Single sessions started one after another: the baseline of the together figure. */
  singleRuns: number;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export interface EngineBenchResult {
  sessions: number;
  together: number;
  /** ENGINE_WARM_POOL of the engines measured (clients kept waiting at a QR). */
  warmPool: number;
  /** Start slots (ENGINE_START_CONCURRENCY) of the engines measured. */
  startConcurrency: number;
  /** PSS of the pool's Chromiums, per pooled client, with no session running; null without a pool. */
  pooledClientPssMiB: number | null;
  /** Start command → the server's row showing the first QR, in ms. */
  qrSingle: LatencySummary;
  qrTogether: LatencySummary;
  /** Wall time to start, scan and connect every held session. */
  linkSeconds: number;
  connected: number;
  memTotalMiB: number;
  memAvailableBeforeMiB: number;
  memAvailableAfterMiB: number;
  memAvailableDropPerSessionMiB: number;
  chromiumProcesses: number;
  chromiumPssMiB: number;
  chromiumPssPerSessionMiB: number;
  /** This process: the server, the engine and the fake WhatsApp Web together. */
  benchProcessPssMiB: number;
  idleSeconds: number;
  /** utime + stime over the idle window, as % of one core. */
  idleCpuChromiumPct: number;
  idleCpuBenchProcessPct: number;
  /** New engine (same id and data dir) started → every held session connected again. */
  restoreSeconds: number | null;
  restored: number;
  newQrsAfterRestore: number;
  /** CPU-seconds of the idle window and of the restore, by process (Chromium by type). */
  idleCpu: CpuBreakdown;
  restoreCpu: CpuBreakdown;
}

/**
 * The real server (lease authority, event inbox, login store) and real engines running the real
 * whatsapp-web.js in Chromium, against the fake WhatsApp Web playing WhatsApp and the phone — the
 * chain of the engine system spec, in this process. The Chromiums are this process's children.
 */
class EngineBenchSystem {
  readonly fake = new FakeWhatsAppWeb();
  readonly dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-engine-'));
  readonly databaseFile = join(tmpdir(), `sb-bench-engine-${process.pid}.sqlite`);
  private server: NestExpressApplication | null = null;
  private serverUrl = '';
  engine: { app: INestApplication; url: string } | null = null;
  warmPool = 0;
  startConcurrency = 0;

  async start(): Promise<void> {
    await this.fake.start();
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATABASE_URL: `sqlite:${this.databaseFile}`,
        ENCRYPTION_KEY: 'b'.repeat(64),
        ENGINE_SECRET,
        ADMIN_PASSWORD: 'bench-password-1',
        LOCAL_ENGINE: 'false',
      },
      { adminDistDir: '/nonexistent' },
    );
    this.server = await createApp(config, pino({ level: 'silent' }));
    await this.server.listen(0, '127.0.0.1');
    const { port } = this.server.getHttpServer().address() as AddressInfo;
    this.serverUrl = `http://127.0.0.1:${port}`;
  }

  async startEngine(maxSessions: number): Promise<void> {
    const port = await freePort();
    const config = loadEngineConfig({
      ENGINE_ID,
      ENGINE_HOST: '127.0.0.1',
      ENGINE_PORT: String(port),
      ENGINE_SECRET,
      SERVER_URL: this.serverUrl,
      ENGINE_DATA_DIR: this.dataDir,
      ENGINE_MAX_SESSIONS: String(maxSessions),
      ENGINE_LEASE_TTL_MS: '6000',
      ENGINE_CLAIM_INTERVAL_MS: '1000',
      ENGINE_AUTH_SETTLE_MS: '7000',
      ENGINE_DESTROY_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'silent',
      // The operator's start concurrency and warm pool, to compare settings on the same machine.
      ...(process.env.ENGINE_START_CONCURRENCY
        ? { ENGINE_START_CONCURRENCY: process.env.ENGINE_START_CONCURRENCY }
        : {}),
      ...(process.env.ENGINE_WARM_POOL ? { ENGINE_WARM_POOL: process.env.ENGINE_WARM_POOL } : {}),
    });
    this.warmPool = config.warmPool;
    this.startConcurrency = config.startConcurrency;
    const app = await createEngineApp(config, pino({ level: 'silent' }), {
      clientOptions: fakeWhatsAppClientOptions(this.fake),
    });
    await app.listen(port, '127.0.0.1');
    this.engine = { app, url: `http://127.0.0.1:${port}` };
  }

  private host(): SessionHostService {
    if (!this.engine) throw new Error('no engine running');
    return this.engine.app.get(SessionHostService);
  }

  /** Every pooled client waiting at its QR, and no session running: the state a new session meets. */
  async settledPool(): Promise<void> {
    await waitUntil(
      () => {
        const host = this.host();
        return host.counts().running === 0 && host.warmPoolCounts().ready === this.warmPool;
      },
      `the warm pool to hold ${this.warmPool} clients`,
      300_000,
    );
  }

  /** The QR the engine shows for a session now (what a user would scan), or null. */
  async shownQr(sessionId: string): Promise<string | null> {
    const reply = await this.command('sessionStatus', sessionId);
    return (reply.body as { qr?: { qr?: string } | null }).qr?.qr ?? null;
  }

  /** Graceful stop: the engine saves every login at the server and gives its leases back. */
  async stopEngine(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    await engine?.app.close();
  }

  async stop(): Promise<void> {
    await this.stopEngine().catch(() => undefined);
    await this.server?.close().catch(() => undefined);
    await this.fake.stop().catch(() => undefined);
    // A Chromium still closing writes into its profile: removing the data dir under it fails
    // with ENOTEMPTY. Closed ones are gone in a moment; what is left after that is killed.
    await waitUntil(
      () => descendantsOf(process.pid).length === 0,
      'every Chromium to exit',
      15_000,
      100,
      false,
    );
    this.removeFiles();
  }

  /** Kills any Chromium still running, waits for it to exit, then removes the bench's files. */
  removeFiles(): void {
    killDescendantsAndWait();
    const retry = { maxRetries: 10, retryDelay: 100 };
    rmSync(this.dataDir, { recursive: true, force: true, ...retry });
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(this.databaseFile + suffix, { force: true, ...retry });
  }

  /** A signed command to the engine, as the server sends them. */
  async command(
    name: EngineRouteName,
    sessionId: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    if (!this.engine) throw new Error('no engine running');
    const raw = body === undefined ? '' : JSON.stringify(body);
    const response = await fetch(`${this.engine.url}${engineRoutePath(name, { sessionId })}`, {
      method: ENGINE_ROUTES[name].method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...signRequest(ENGINE_SECRET, raw, randomUUID()),
      },
      ...(body === undefined ? {} : { body: raw }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  }

  /** Numbers of the first workspace, as the sessions API would create them. */
  async createSessions(count: number): Promise<string[]> {
    const repository = this.dataSource().getRepository(WhatsappSession);
    const rows = await repository.save(
      Array.from({ length: count }, () =>
        repository.create({
          uuid: randomUUID(),
          workspaceId: 1,
          sessionId: `wa_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
          providerType: 'webjs',
          status: 'initializing',
        }),
      ),
    );
    return rows.map((row) => row.sessionId);
  }

  async statuses(sessionIds: string[]): Promise<Map<string, string>> {
    const rows = await this.dataSource()
      .getRepository(WhatsappSession)
      .find({ where: { sessionId: In(sessionIds) } });
    return new Map(rows.map((row) => [row.sessionId, row.status]));
  }

  async qrEvents(sessionIds: string[]): Promise<number> {
    return this.dataSource()
      .getRepository(EngineEventRecord)
      .count({ where: { sessionId: In(sessionIds), type: 'session.qr' } });
  }

  /** Starts the sessions with one signed command each, all sent at once. */
  async startAll(sessionIds: string[]): Promise<void> {
    const replies = await Promise.all(sessionIds.map((id) => this.command('startSession', id, {})));
    const refused = replies.find((reply) => reply.status !== 202);
    if (refused)
      throw new Error(`startSession answered ${refused.status}: ${JSON.stringify(refused.body)}`);
  }

  async stopAll(sessionIds: string[]): Promise<void> {
    await Promise.all(sessionIds.map((id) => this.command('stopSession', id, {})));
  }

  private dataSource(): DataSource {
    if (!this.server) throw new Error('server not started');
    return this.server.get(DataSource);
  }
}

export async function benchEngine(
  options: EngineBenchOptions,
  log: (line: string) => void,
): Promise<EngineBenchResult> {
  const system = new EngineBenchSystem();
  // A failure or Ctrl-C: no Chromium, profile or database is left behind.
  const cleanup = (): void => system.removeFiles();
  const interrupted = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('exit', cleanup);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await system.start();
    await system.startEngine(options.sessions + options.together + 10);

    log(`QR latency: 1 session, ${options.singleRuns} times`);
    const singles: number[] = [];
    for (let run = 0; run < options.singleRuns; run += 1)
      singles.push(...(await qrLatency(system, 1)));
    const qrSingle = summarize(singles);
    log(`  p50 ${qrSingle.p50} ms, p95 ${qrSingle.p95} ms`);
    log(`QR latency: ${options.together} sessions started together`);
    const qrTogether = summarize(await qrLatency(system, options.together));
    log(`  p50 ${qrTogether.p50} ms, p95 ${qrTogether.p95} ms, max ${qrTogether.max} ms`);
    let pooledClientPssMiB: number | null = null;
    if (system.warmPool > 0) {
      await system.settledPool();
      // Let the pool's pages go idle before reading their memory.
      await sleep(5_000);
      pooledClientPssMiB = round(pssBytes(descendantsOf(process.pid)) / MiB / system.warmPool);
      log(`  warm pool: ${pooledClientPssMiB} MiB PSS per pooled client`);
    }

    log(`linking ${options.sessions} sessions, ${options.together} at a time`);
    const memBefore = memAvailableBytes();
    const linkStarted = performance.now();
    const held: string[] = [];
    for (let first = 0; first < options.sessions; first += options.together) {
      const batch = await system.createSessions(
        Math.min(options.together, options.sessions - first),
      );
      await link(system, batch, first);
      held.push(...batch);
      log(`  ${held.length}/${options.sessions} connected`);
    }
    const linkSeconds = (performance.now() - linkStarted) / 1000;
    // Let the start-up work (login saves, first syncs) settle before reading memory and CPU.
    await sleep(5_000);
    const memAfter = memAvailableBytes();
    const chromium = descendantsOf(process.pid);
    const chromiumPss = pssBytes(chromium);
    const benchPss = pssBytes([process.pid]);

    log(`idle CPU over ${options.idleSeconds} s`);
    const cpuChromium0 = cpuSeconds(chromium);
    const cpuSelf0 = process.cpuUsage();
    // The held sessions' processes only, not the warm pool refilling itself meanwhile.
    const idleSampler = new ProcessCpuSampler(chromium);
    idleSampler.start();
    const idleStarted = performance.now();
    await sleep(options.idleSeconds * 1000);
    const idleSeconds = (performance.now() - idleStarted) / 1000;
    const idleCpu = idleSampler.stop();
    const cpuChromium = cpuSeconds(chromium) - cpuChromium0;
    const cpuSelf = process.cpuUsage(cpuSelf0);
    const cpuSelfSeconds = (cpuSelf.user + cpuSelf.system) / 1e6;
    log(
      `  Chromium PSS ${round(chromiumPss / MiB)} MiB for ${held.length} sessions, ` +
        `idle CPU ${round(((cpuChromium + cpuSelfSeconds) / idleSeconds) * 100)} % of one core`,
    );

    log('restore: graceful engine stop, then a new engine with the same id and data dir');
    const qrsBefore = await system.qrEvents(held);
    await system.stopEngine();
    await waitUntil(
      () => descendantsOf(process.pid).length === 0,
      'every Chromium to exit',
      60_000,
    );
    const restoreSampler = new ProcessCpuSampler();
    restoreSampler.start();
    const restoreStarted = performance.now();
    log(`  restore starts at monotonic ${process.hrtime.bigint() / 1000n} µs`);
    await system.startEngine(options.sessions + options.together + 10);
    const restoreTimeoutMs = Math.max(300_000, options.sessions * 6_000);
    // One at a time: the engine is busy bringing 50 Chromiums back, and a poll that fails
    // (refused, reset) only means "not yet". Only sessions not seen connected yet are asked:
    // asking all 50 twice a second cost about a tenth of the restore's CPU (a CPU profile's
    // estimate), taken from the engine measured.
    // When none is left, every session is asked once more, so all are connected at the end.
    const pending = new Set(held);
    const connectedNow = async (id: string): Promise<boolean> => {
      const reply = await system.command('sessionStatus', id).catch(() => null);
      return reply?.status === 200 && (reply.body as { status?: string }).status === 'connected';
    };
    const allBack = await waitUntil(
      async () => {
        for (const id of [...pending]) if (await connectedNow(id)) pending.delete(id);
        if (pending.size > 0) return false;
        for (const id of held) if (!(await connectedNow(id))) pending.add(id);
        return pending.size === 0;
      },
      'every held session to reconnect',
      restoreTimeoutMs,
      500,
      false,
    );
    const restored = held.length - pending.size;
    const restoreSeconds = allBack ? (performance.now() - restoreStarted) / 1000 : null;
    const restoreCpu = restoreSampler.stop();
    log(`  restore ends at monotonic ${process.hrtime.bigint() / 1000n} µs`);
    log(`  restore CPU-seconds: ${JSON.stringify(restoreCpu)}`);
    const newQrs = (await system.qrEvents(held)) - qrsBefore;
    log(`  ${restored}/${held.length} restored`);

    return {
      sessions: options.sessions,
      together: options.together,
      warmPool: system.warmPool,
      startConcurrency: system.startConcurrency,
      pooledClientPssMiB,
      qrSingle,
      qrTogether,
      linkSeconds: round(linkSeconds),
      connected: held.length,
      memTotalMiB: round(memTotalBytes() / MiB),
      memAvailableBeforeMiB: round(memBefore / MiB),
      memAvailableAfterMiB: round(memAfter / MiB),
      memAvailableDropPerSessionMiB: round((memBefore - memAfter) / MiB / held.length),
      chromiumProcesses: chromium.length,
      chromiumPssMiB: round(chromiumPss / MiB),
      chromiumPssPerSessionMiB: round(chromiumPss / MiB / held.length),
      benchProcessPssMiB: round(benchPss / MiB),
      idleSeconds: round(idleSeconds),
      idleCpuChromiumPct: round((cpuChromium / idleSeconds) * 100),
      idleCpuBenchProcessPct: round((cpuSelfSeconds / idleSeconds) * 100),
      restoreSeconds: restoreSeconds === null ? null : round(restoreSeconds),
      restored,
      newQrsAfterRestore: newQrs,
      idleCpu,
      restoreCpu,
    };
  } finally {
    await system.stop();
    process.off('exit', cleanup);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/**
 * Starts `count` new sessions at once and times each from the command to its server row showing
 * the first QR (status `qr_scanning`, set from the engine's QR event); then stops them and waits
 * for their Chromiums to exit.
 */
async function qrLatency(system: EngineBenchSystem, count: number): Promise<number[]> {
  await system.settledPool();
  const ids = await system.createSessions(count);
  const started = performance.now();
  const shown = new Map<string, number>();
  await system.startAll(ids);
  await waitUntil(
    async () => {
      for (const [id, status] of await system.statuses(ids)) {
        if (status === 'qr_scanning' && !shown.has(id)) shown.set(id, performance.now() - started);
      }
      return shown.size === count;
    },
    `the first QR of ${count} sessions`,
    120_000,
    20,
  );
  await system.stopAll(ids);
  // Stopping closed their Chromiums; only the pool's remain (none without a pool).
  if (system.warmPool === 0)
    await waitUntil(
      () => descendantsOf(process.pid).length === 0,
      'every Chromium to exit',
      60_000,
    );
  return [...shown.values()];
}

/** Starts the sessions at once, scans each QR with a phone of its own, waits until connected. */
async function link(system: EngineBenchSystem, ids: string[], firstIndex: number): Promise<void> {
  await system.startAll(ids);
  // Each session's own QR, as its user would scan it (pooled clients show QRs of no session).
  const pending = new Map(ids.map((id, i) => [id, firstIndex + i]));
  await waitUntil(
    async () => {
      for (const [id, index] of pending) {
        const qr = await system.shownQr(id);
        if (!qr) continue;
        const phone = `62812${String(index).padStart(7, '0')}`;
        await system.fake.scanQr(qr, { phone, pushname: `Bench ${index}` });
        pending.delete(id);
      }
      return pending.size === 0;
    },
    `the QRs of ${ids.length} sessions`,
    300_000,
    100,
  );
  await waitUntil(
    async () => [...(await system.statuses(ids)).values()].every((s) => s === 'connected'),
    `${ids.length} sessions to connect`,
    // The engine retries a start that failed (a slow Chromium on a loaded machine) on its own.
    300_000,
    100,
  );
}

function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!);
  return {
    n: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: Math.round(sorted[sorted.length - 1]!),
  };
}

/** Polls `condition`; throws on timeout unless `throwOnTimeout` is false (then returns false). */
async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  intervalMs = 100,
  throwOnTimeout = true,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) {
      if (throwOnTimeout) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return false;
    }
    await sleep(intervalMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * SIGKILL to every process below this one, then waits (synchronously, so it also works in an
 * `exit` handler; at most 5 s) until each has exited. The whole tree is listed before the kill:
 * a renderer whose browser died first is no longer below this process, but still holds files.
 */
function killDescendantsAndWait(timeoutMs = 5_000): void {
  const pids = descendantsOf(process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
}

/** Still running: not gone, and not a zombie (a zombie holds no files). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}
