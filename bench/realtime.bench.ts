import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceChannel, type MessageStatusUpdatedPayload } from '@switchboard/contracts';
import pino from 'pino';
import { Server } from 'socket.io';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp } from '../apps/server/src/create-app';
import { BroadcasterService } from '../apps/server/src/realtime/broadcaster.service';
import { EchoGateway } from '../apps/server/src/realtime/echo.gateway';
import { LatencyHistogram } from './latency-histogram';
import {
  now,
  type BenchStamp,
  type ChildMessage,
  type ParentMessage,
  type PhaseReport,
} from './realtime-ipc';
import { round } from './stats';

const PASSWORD = 'bench-password-1';
const EVENT = 'message.status.updated';
/** Deliveries that stop advancing for this long are lost (a dropped connection, a bug). */
const STALL_MS = 5_000;

export interface FanoutOptions {
  clients: number[];
  /** Paced phase: events per second, for `pacedSeconds`. */
  rate: number;
  pacedSeconds: number;
  /** Unmeasured paced events before each target's phases: JIT, buffers, end-to-end check. */
  warmupSeconds: number;
  /** Throughput phase: events back to back with at most `window` not yet delivered to everyone. */
  throughputSeconds: number;
  /**
   * At most this many events not yet delivered to everyone. Unset: about 10,000 deliveries in
   * flight (2 to 64 events), since one broadcast blocks the publisher for C socket writes and a
   * larger window only turns into longer bursts.
   */
  window?: number;
  /** Client processes; each holds about clients/procs Echo connections. */
  procs: number;
  /** Both unless profiling one of them. */
  targets: TargetName[];
  /**
   * Each phase is cut into this many slices per target, alternating gateway and bare (ABBA…) while
   * both keep their clients connected, so a burst of other work on the machine hits both alike.
   */
  rounds: number;
  /** The paced phase gives up once the oldest undelivered event is this old (not sustained). */
  maxBacklogMs: number;
}

export type TargetName = 'gateway' | 'bare';

export interface PhaseFigures {
  /** Events published (each one goes to every client). */
  events: number;
  expected: number;
  delivered: number;
  /** Paced: first due time to last delivery; throughput: while publishing (drain not counted). */
  seconds: number;
  /** Events delivered to all C clients per second (= deliveries per second / C). */
  eventsPerSecond: number;
  deliveriesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** False when the paced phase stopped early because delivery fell behind `maxBacklogMs`. */
  sustained: boolean;
  /** Event-loop utilization of the server process and of the busiest client process. */
  serverElu: number;
  clientElu: number;
  disconnects: number;
}

export interface FanoutResult {
  target: TargetName;
  clients: number;
  paced: PhaseFigures;
  throughput: PhaseFigures;
}

interface Target {
  name: TargetName;
  url: string;
  channel: string;
  token: string | null;
  publish(stamp: BenchStamp): void;
  /** Sockets the server has put into the channel. */
  subscribed(): number;
  close(): Promise<void>;
}

/**
 * Fan-out of events to C laravel-echo clients subscribed to one private channel, through the real
 * Switchboard app (Echo gateway + broadcaster), against a bare socket.io server doing a plain room
 * emit to the same clients (the baseline, same run, same client processes). The servers run in
 * this process; the clients run in `procs` forked processes so that decoding on the client side
 * does not compete with the server for its event loop.
 */
export async function benchRealtime(
  options: FanoutOptions,
  onResult: (result: FanoutResult) => void = () => undefined,
): Promise<FanoutResult[]> {
  assertFileLimit(Math.max(...options.clients) * options.targets.length, options.procs);
  const results: FanoutResult[] = [];
  const pool = new ClientPool();
  const targets: Target[] = [];
  // Ctrl-C or a kill: 'exit' handlers still stop the client processes and delete the database.
  const cleanup = (): void => pool.kill();
  const interrupted = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('exit', cleanup);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await pool.start(options.procs);
    if (options.targets.includes('gateway')) targets.push(await startGateway());
    if (options.targets.includes('bare')) targets.push(await startBare());
    for (const clients of options.clients) {
      for (const result of await measureClients(pool, targets, clients, options)) {
        results.push(result);
        onResult(result);
      }
    }
    return results;
  } finally {
    pool.kill();
    process.off('exit', cleanup);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    for (const target of targets) await target.close().catch(() => undefined);
  }
}

let nextPhase = 1;

/**
 * Connects C clients to every target at once, warms each up, then runs the paced and the
 * throughput phase in `rounds` slices per target, alternating which target goes first.
 */
async function measureClients(
  pool: ClientPool,
  targets: Target[],
  clients: number,
  options: FanoutOptions,
): Promise<FanoutResult[]> {
  try {
    for (const target of targets) {
      await pool.connect(target, clients);
      const subscribed = () => `${target.subscribed()}/${clients} subscribed on ${target.name}`;
      await waitFor(() => target.subscribed() >= clients, 60_000, subscribed);
    }
    for (const target of targets) {
      const warmup = await pacedPhase(pool, target, clients, options, options.warmupSeconds);
      if (warmup.delivered < warmup.events * clients) {
        throw new Error(
          `${target.name}: warm-up delivered ${warmup.delivered} of ${warmup.events * clients}`,
        );
      }
    }
    const paced = new Map<Target, Slice[]>(targets.map((t) => [t, []]));
    const throughput = new Map<Target, Slice[]>(targets.map((t) => [t, []]));
    const order = (round: number) => (round % 2 === 0 ? targets : [...targets].reverse());
    for (let r = 0; r < options.rounds; r += 1) {
      for (const target of order(r)) {
        const seconds = options.pacedSeconds / options.rounds;
        paced.get(target)!.push(await pacedPhase(pool, target, clients, options, seconds));
      }
    }
    for (let r = 0; r < options.rounds; r += 1) {
      for (const target of order(r + 1)) {
        const seconds = options.throughputSeconds / options.rounds;
        throughput
          .get(target)!
          .push(await throughputPhase(pool, target, clients, options, seconds));
      }
    }
    return targets.map((target) => ({
      target: target.name,
      clients,
      paced: combine(paced.get(target)!, clients),
      throughput: combine(throughput.get(target)!, clients),
    }));
  } finally {
    // After a failure the pool is killed anyway; this only keeps the first error.
    const left = await pool.disconnect().then(
      () => true,
      () => false,
    );
    for (const target of targets) {
      if (left)
        await waitFor(
          () => target.subscribed() === 0,
          30_000,
          () => 'clients to leave',
        );
    }
  }
}

/**
 * `rate` events per second. Each event is stamped with the time it was due, not the time the
 * publisher got to it, so a server event loop that falls behind shows up as latency.
 */
async function pacedPhase(
  pool: ClientPool,
  target: Target,
  clients: number,
  options: FanoutOptions,
  seconds: number,
): Promise<Slice> {
  const phase = nextPhase++;
  const run = startPhase(pool);
  const total = Math.max(1, Math.round(options.rate * seconds));
  const interval = 1000 / options.rate;
  const start = now() + 20;
  const dueAt = (seq: number) => start + seq * interval;
  let published = 0;
  let sustained = true;
  const behind = (seq: number) => now() - dueAt(seq) > options.maxBacklogMs;
  while (published < total && sustained) {
    const wait = dueAt(published) - now();
    // Yield even when late, so socket writes and client acks get their turn.
    await (wait > 1 ? sleep(wait) : new Promise<void>((resolve) => setImmediate(resolve)));
    const oldest = pool.acked(phase);
    if (oldest < published && behind(oldest)) {
      sustained = false;
      break;
    }
    // One broadcast can take longer than the interval; give up instead of falling ever further
    // behind in one synchronous burst.
    const until = now();
    while (published < total && dueAt(published) <= until) {
      if (behind(published)) {
        sustained = false;
        break;
      }
      target.publish({ phase, seq: published, sentAt: dueAt(published) });
      published += 1;
    }
  }
  const done = await pool.drain(phase, published);
  const rate = { completed: pool.acked(phase), elapsedMs: done - start };
  return run.finish(phase, published, rate, sustained);
}

/** Events as fast as the server takes them, with at most `window` events not yet everywhere. */
async function throughputPhase(
  pool: ClientPool,
  target: Target,
  clients: number,
  options: FanoutOptions,
  seconds: number,
): Promise<Slice> {
  const phase = nextPhase++;
  const run = startPhase(pool);
  const start = now();
  const stopAt = start + seconds * 1000;
  let published = 0;
  const topUp = (): void => {
    while (published - pool.acked(phase) < windowFor(options, clients) && now() < stopAt) {
      target.publish({ phase, seq: published, sentAt: now() });
      published += 1;
    }
  };
  pool.onAck = topUp;
  topUp();
  try {
    await sleep(stopAt - now());
  } finally {
    pool.onAck = () => undefined;
  }
  await pool.drain(phase, published);
  return run.finish(phase, published, 'completions', true);
}

export function windowFor(options: FanoutOptions, clients: number): number {
  return options.window ?? Math.min(64, Math.max(2, Math.round(10_000 / clients)));
}

/** One measured slice of a phase, for one target. */
interface Slice {
  events: number;
  delivered: number;
  /** Events that reached every client within `elapsedMs`. */
  completed: number;
  elapsedMs: number;
  sustained: boolean;
  histogram: LatencyHistogram;
  serverActiveMs: number;
  serverIdleMs: number;
  clientElu: number;
  disconnects: number;
}

function startPhase(pool: ClientPool) {
  pool.mark();
  const elu = performance.eventLoopUtilization();
  return {
    async finish(
      phase: number,
      events: number,
      rate: { completed: number; elapsedMs: number } | 'completions',
      sustained: boolean,
    ): Promise<Slice> {
      const server = performance.eventLoopUtilization(elu);
      const reports = await pool.report(phase);
      const slice: Slice = {
        events,
        delivered: 0,
        ...(rate === 'completions' ? completionRate(reports, events) : rate),
        sustained,
        histogram: new LatencyHistogram(),
        serverActiveMs: server.active,
        serverIdleMs: server.idle,
        clientElu: 0,
        disconnects: 0,
      };
      for (const r of reports) {
        slice.histogram.merge(r.histogram);
        slice.delivered += r.delivered;
        slice.clientElu = Math.max(slice.clientElu, r.elu);
        slice.disconnects += r.disconnects;
      }
      return slice;
    },
  };
}

/**
 * Steady-state rate from the times events reached their last client: (N − 1) events between the
 * first and the last completion. Neither the first event's latency nor the publisher's view (its
 * event loop is blocked while it broadcasts) enters into it.
 */
function completionRate(
  reports: PhaseReport[],
  events: number,
): { completed: number; elapsedMs: number } {
  const at = (seq: number) => Math.max(...reports.map((r) => r.completedAt[seq] ?? NaN));
  const first = at(0);
  const last = at(events - 1);
  if (events < 2 || !Number.isFinite(first) || !Number.isFinite(last)) {
    return { completed: 0, elapsedMs: 0 };
  }
  return { completed: events - 1, elapsedMs: last - first };
}

function combine(slices: Slice[], clients: number): PhaseFigures {
  const histogram = new LatencyHistogram();
  let events = 0;
  let delivered = 0;
  let completed = 0;
  let elapsedMs = 0;
  let active = 0;
  let idle = 0;
  for (const s of slices) {
    histogram.merge(s.histogram);
    events += s.events;
    delivered += s.delivered;
    completed += s.completed;
    elapsedMs += s.elapsedMs;
    active += s.serverActiveMs;
    idle += s.serverIdleMs;
  }
  const seconds = elapsedMs / 1000;
  return {
    events,
    expected: events * clients,
    delivered,
    seconds: round(seconds),
    eventsPerSecond: round(completed / seconds),
    deliveriesPerSecond: Math.round((completed * clients) / seconds),
    p50: round(histogram.quantile(0.5)),
    p95: round(histogram.quantile(0.95)),
    p99: round(histogram.quantile(0.99)),
    max: round(histogram.max),
    sustained: slices.every((s) => s.sustained),
    serverElu: round(active / (active + idle)),
    clientElu: round(Math.max(...slices.map((s) => s.clientElu))),
    disconnects: Math.max(...slices.map((s) => s.disconnects)),
  };
}

/** The forked client processes, their acks per phase, and request/response over IPC. */
class ClientPool {
  onAck: () => void = () => undefined;
  private children: ChildProcess[] = [];
  private readonly acks = new Map<number, number[]>();
  private readonly waiters: Array<Map<ChildMessage['type'], (message: ChildMessage) => void>> = [];
  private failure: Error | null = null;
  private onProgress: () => void = () => undefined;

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const child = fork(join(__dirname, 'realtime-clients.js'), [], {
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: [],
      });
      const waiters = new Map<ChildMessage['type'], (message: ChildMessage) => void>();
      this.waiters.push(waiters);
      child.on('message', (message: ChildMessage) => this.onMessage(i, message));
      child.on('exit', (code, signal) => {
        if (this.children.length === 0) return;
        this.fail(new Error(`client process ${i} exited (${signal ?? code})`));
      });
      this.children.push(child);
    }
    await this.calibrate();
  }

  /**
   * Latency is measured across processes, so each child learns its clock's offset from this one
   * (IPC ping, the sample with the shortest round trip; error at most half of it).
   */
  private async calibrate(): Promise<void> {
    for (let i = 0; i < this.children.length; i += 1) {
      let best = { rtt: Infinity, offset: 0 };
      for (let id = 0; id < 20; id += 1) {
        const sent = now();
        const reply = await this.request(i, { type: 'clock', id }, 'clock');
        const received = now();
        if (reply.type !== 'clock') continue;
        if (received - sent < best.rtt) {
          best = { rtt: received - sent, offset: reply.now - (sent + received) / 2 };
        }
      }
      this.send(i, { type: 'offset', ms: best.offset });
    }
  }

  async connect(target: Target, clients: number): Promise<void> {
    const k = this.children.length;
    await Promise.all(
      this.children.map((_, i) =>
        this.request(
          i,
          {
            type: 'connect',
            set: target.name,
            url: target.url,
            channel: target.channel.replace(/^private-/, ''),
            event: EVENT,
            token: target.token,
            clients: Math.floor(clients / k) + (i < clients % k ? 1 : 0),
            concurrency: 20,
          },
          'connected',
        ),
      ),
    );
  }

  async disconnect(): Promise<void> {
    this.acks.clear();
    await Promise.all(
      this.children.map((_, i) => this.request(i, { type: 'disconnect' }, 'disconnected')),
    );
  }

  mark(): void {
    for (let i = 0; i < this.children.length; i += 1) this.send(i, { type: 'mark' });
  }

  report(phase: number): Promise<PhaseReport[]> {
    return Promise.all(
      this.children.map(
        (_, i) => this.request(i, { type: 'report', phase }, 'report') as Promise<PhaseReport>,
      ),
    );
  }

  /** How many events of the phase (from seq 0, in order) every client has received. */
  acked(phase: number): number {
    const upTo = this.acks.get(phase);
    if (!upTo) return 0;
    let min = Infinity;
    for (let i = 0; i < this.children.length; i += 1) min = Math.min(min, upTo[i] ?? 0);
    return min;
  }

  /** Resolves with the time the last event reached every client, or when delivery stalls. */
  drain(phase: number, events: number): Promise<number> {
    if (this.acked(phase) >= events) return Promise.resolve(now());
    return new Promise((resolve, reject) => {
      let lastProgress = now();
      let lastAcked = this.acked(phase);
      const timer = setInterval(() => {
        if (this.failure) finish(() => reject(this.failure!));
        else if (now() - lastProgress > STALL_MS) finish(() => resolve(lastProgress));
      }, 200);
      const finish = (then: () => void): void => {
        clearInterval(timer);
        this.onProgress = () => undefined;
        then();
      };
      this.onProgress = () => {
        const acked = this.acked(phase);
        if (acked === lastAcked) return;
        lastAcked = acked;
        lastProgress = now();
        if (acked >= events) finish(() => resolve(lastProgress));
      };
    });
  }

  kill(): void {
    const children = this.children;
    this.children = [];
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  private onMessage(index: number, message: ChildMessage): void {
    if (message.type === 'ack') {
      let upTo = this.acks.get(message.phase);
      if (!upTo) this.acks.set(message.phase, (upTo = []));
      upTo[index] = message.upTo;
      this.onAck();
      this.onProgress();
      return;
    }
    if (message.type === 'error') {
      this.fail(new Error(`client process ${index}: ${message.message}`));
      return;
    }
    const waiter = this.waiters[index]!.get(message.type);
    this.waiters[index]!.delete(message.type);
    waiter?.(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiters of this.waiters) {
      for (const waiter of waiters.values()) waiter({ type: 'error', message: error.message });
      waiters.clear();
    }
  }

  private send(index: number, message: ParentMessage): void {
    this.children[index]!.send(message);
  }

  private request(
    index: number,
    message: ParentMessage,
    reply: ChildMessage['type'],
  ): Promise<ChildMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters[index]!.set(reply, (answer) =>
        answer.type === 'error' ? reject(new Error(answer.message)) : resolve(answer),
      );
      this.send(index, message);
    });
  }
}

function payload(stamp: BenchStamp, workspaceId: number) {
  const body: MessageStatusUpdatedPayload = {
    workspace_id: workspaceId,
    contact_id: 1,
    message_id: stamp.seq + 1,
    provider_message_id: null,
    status: 'delivered',
    at: '2026-01-01T00:00:00.000Z',
  };
  return { ...body, bench: stamp };
}

async function startGateway(): Promise<Target> {
  const file = join(tmpdir(), `sb-bench-rt-${process.pid}.sqlite`);
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${file}`,
      REDIS_URL: process.env.BENCH_REDIS_URL,
      ENCRYPTION_KEY: 'b'.repeat(64),
      ENGINE_SECRET: 'e'.repeat(40),
      ADMIN_PASSWORD: PASSWORD,
    },
    { adminDistDir: '/nonexistent' },
  );
  const removeDatabase = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  };
  process.once('exit', removeDatabase);
  const app = await createApp(config, pino({ level: 'silent' }));
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: config.adminEmail, password: PASSWORD }),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status}`);
    const login = (await response.json()) as { token: string; current_workspace_id: number };
    const workspaceId = login.current_workspace_id;
    const channel = workspaceChannel(workspaceId);
    const broadcaster = app.get(BroadcasterService);
    const rooms = app.get(EchoGateway).server.of('/').adapter.rooms;
    return {
      name: 'gateway',
      url: base,
      channel,
      token: login.token,
      publish: (stamp) => void broadcaster.broadcast(channel, EVENT, payload(stamp, workspaceId)),
      subscribed: () => rooms.get(channel)?.size ?? 0,
      close: async () => {
        await app.close();
        removeDatabase();
        process.off('exit', removeDatabase);
      },
    };
  } catch (error) {
    await app.close();
    removeDatabase();
    throw error;
  }
}

/** socket.io with its default in-memory adapter: `subscribe` joins the room, nothing else. */
async function startBare(): Promise<Target> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('subscribe', ({ channel }: { channel: string }) => void socket.join(channel));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const channel = workspaceChannel(1);
  const rooms = io.of('/').adapter.rooms;
  return {
    name: 'bare',
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    channel,
    token: null,
    publish: (stamp) => void io.to(channel).emit(EVENT, channel, payload(stamp, 1)),
    subscribed: () => rooms.get(channel)?.size ?? 0,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

/** The server holds one descriptor per client, each client process its share; say so up front. */
function assertFileLimit(clients: number, procs: number): void {
  let limit: number;
  try {
    limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return;
  }
  if (!Number.isFinite(limit)) return; // "unlimited"
  const needed = clients + 256;
  if (limit < needed) {
    throw new Error(
      `open-file limit is ${limit}, ${clients} clients need about ${needed} in the server ` +
        `process (${Math.ceil(clients / procs) + 256} per client process): run \`ulimit -n ${Math.max(
          65_536,
          needed,
        )}\` first`,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${describe()}`);
    await sleep(50);
  }
}
