import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceChannel, type MessageStatusUpdatedPayload } from '@switchboard/contracts';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp } from '../apps/server/src/create-app';
import { BroadcasterService } from '../apps/server/src/realtime/broadcaster.service';
import { round } from './stats';

const PASSWORD = 'bench-password-1';
const EVENT = 'message.status.updated';

export interface FanoutResult {
  target: 'switchboard' | 'bare socket.io';
  clients: number;
  /** Paced run: events sent at `rate` per second. */
  rate: number;
  p50: number;
  p99: number;
  /** Burst run: deliveries per second when events are sent back to back. */
  deliveriesPerSecond: number;
}

interface Target {
  url: string;
  channel: string;
  auth: { headers: Record<string, string> };
  publish(sequence: number): void;
  close(): Promise<void>;
}

/**
 * Fan-out of one event to C clients subscribed to one private channel, through Switchboard's
 * Echo gateway and broadcaster, against a bare socket.io server doing a plain room emit to the
 * same number of identical clients (the baseline, same run). Clients speak the Echo wire protocol
 * with socket.io-client directly, so the client-side cost is the same for both targets.
 */
export async function benchRealtime(
  clientCounts: number[],
  rate: number,
  seconds: number,
): Promise<FanoutResult[]> {
  const results: FanoutResult[] = [];
  for (const clients of clientCounts) {
    for (const start of [startSwitchboard, startBareSocketIo]) {
      const target = await start();
      try {
        results.push(await measureTarget(target, clients, rate, seconds));
      } finally {
        await target.close();
      }
    }
  }
  return results;
}

async function measureTarget(
  target: Target,
  count: number,
  rate: number,
  seconds: number,
): Promise<FanoutResult> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let received = 0;
  let onReceived: () => void = () => undefined;
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 1) {
    const socket = connect(target.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    socket.on(EVENT, (_channel: string, payload: MessageStatusUpdatedPayload) => {
      const sent = sentAt.get(payload.message_id);
      if (sent !== undefined) latencies.push(performance.now() - sent);
      received += 1;
      onReceived();
    });
    sockets.push(socket);
  }
  await Promise.all(
    sockets.map((s) =>
      s.connected ? Promise.resolve() : new Promise<void>((r) => s.once('connect', () => r())),
    ),
  );
  // Subscribing is acknowledged by nothing (Echo protocol); a probe event tells when all are in.
  for (const socket of sockets)
    socket.emit('subscribe', { channel: target.channel, auth: target.auth });
  let probe = -1;
  while (received < count) {
    received = 0;
    target.publish(probe);
    await waitUntil(() => received >= count, 2_000).catch(() => undefined);
    probe -= 1;
  }

  // Paced: `rate` events per second for `seconds`; latency from publish to each client's receipt.
  received = 0;
  latencies.length = 0;
  const events = rate * seconds;
  const interval = 1000 / rate;
  const started = performance.now();
  for (let seq = 1; seq <= events; seq += 1) {
    const due = started + (seq - 1) * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(seq, performance.now());
    target.publish(seq);
  }
  await waitUntil(() => received >= events * count, 60_000);
  latencies.sort((a, b) => a - b);
  const pick = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  const p50 = pick(0.5);
  const p99 = pick(0.99);

  // Burst: events back to back, deliveries per second until every client has every event.
  received = 0;
  const burst = 100;
  const burstStart = performance.now();
  for (let seq = 1; seq <= burst; seq += 1) target.publish(100_000 + seq);
  await waitUntil(() => received >= burst * count, 120_000);
  const deliveriesPerSecond = round((burst * count) / ((performance.now() - burstStart) / 1000));

  for (const socket of sockets) socket.disconnect();
  return { target: labelOf(target), clients: count, rate, p50, p99, deliveriesPerSecond };

  function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out: ${received} deliveries`)),
        timeoutMs,
      );
      onReceived = () => {
        if (!condition()) return;
        clearTimeout(timer);
        onReceived = () => undefined;
        resolve();
      };
    });
  }
}

const labels = new WeakMap<Target, FanoutResult['target']>();
function labelOf(target: Target): FanoutResult['target'] {
  return labels.get(target)!;
}

function payload(sequence: number, workspaceId: number): MessageStatusUpdatedPayload {
  return {
    workspace_id: workspaceId,
    contact_id: 1,
    message_id: sequence,
    provider_message_id: null,
    status: 'delivered',
    at: '2026-01-01T00:00:00.000Z',
  };
}

async function startSwitchboard(): Promise<Target> {
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
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const login = (await (
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: config.adminEmail, password: PASSWORD }),
    })
  ).json()) as { token: string; current_workspace_id: number };
  const workspaceId = login.current_workspace_id;
  const channel = workspaceChannel(workspaceId);
  const broadcaster = app.get(BroadcasterService);
  const target: Target = {
    url: base,
    channel,
    auth: { headers: { Authorization: `Bearer ${login.token}` } },
    publish: (sequence) =>
      void broadcaster.broadcast(channel, EVENT, payload(sequence, workspaceId)),
    close: async () => {
      await app.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
  labels.set(target, 'switchboard');
  return target;
}

async function startBareSocketIo(): Promise<Target> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('subscribe', ({ channel }: { channel: string }) => void socket.join(channel));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const channel = 'private-workspace.1';
  const target: Target = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    channel,
    auth: { headers: {} },
    publish: (sequence) => void io.to(channel).emit(EVENT, channel, payload(sequence, 1)),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
  labels.set(target, 'bare socket.io');
  return target;
}
