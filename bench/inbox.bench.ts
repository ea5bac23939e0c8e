import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import {
  RealtimeEvent,
  workspaceChannel,
  type MessageReceivedPayload,
} from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import type EchoClass from 'laravel-echo';
import { createConnection } from 'mysql2/promise';
import { io } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../apps/server/src/database/data-source-options';
import { parseDatabaseUrl } from '../apps/server/src/database/database-url';
import { FakeMetaGraphApi } from '../libs/testing/src/fake-meta-graph/fake-meta-graph';
import { startAppServer } from './app-server-process';
import { benchContactName, benchContactPhone, seedInbox, type InboxSeed } from './inbox-seed';
import { LatencyHistogram } from './latency-histogram';
import { measure, round, type Summary } from './stats';

type Echo = EchoClass<'socket.io'>;

export interface InboxBenchOptions {
  /** A MariaDB/MySQL server URL (its database part is ignored: the bench makes its own). */
  databaseUrl: string;
  redisUrl: string;
  numbers: number;
  contacts: number;
  chats: number;
  /** Requests per query case. */
  samples: number;
  /** Messages per delivery and deliveries in flight in the throughput phase. */
  batch: number;
  concurrency: number;
  /** Messages in the throughput phase. */
  ingestMessages: number;
  /** Paced rate and length of the latency phase. */
  rate: number;
  pacedSeconds: number;
  /** Keep the bench database afterwards. */
  keep: boolean;
}

export interface QueryFigure extends Summary {
  name: string;
  kind: 'list' | 'thread' | 'unread';
  /** The server process's CPU time per request (the database's not included). */
  serverCpuMs: number;
}

export interface IngestFigure {
  name: string;
  messages: number;
  seconds: number;
  perSecond: number;
  /** The server process's CPU time per message; null where the server takes no part. */
  serverCpuMs: number | null;
}

export interface InboxBenchResult {
  seed: InboxSeed;
  queries: QueryFigure[];
  ingest: IngestFigure[];
  latency: {
    rate: number;
    sent: number;
    delivered: number;
    achievedRate: number;
    p50: number;
    p95: number;
    p99: number;
    max: number;
  };
}

const PASSWORD = 'bench-password-1';
const APP_SECRET = 'bench-app-secret-0123456789abcdef';

// laravel-echo is an ES module whose CommonJS build does not load under `require` (see
// realtime-clients.ts): the real dynamic import is built here.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: typeof EchoClass }>;

/**
 * The inbox on MariaDB + Redis at size: seeds a workspace, starts the real server in a process
 * of its own, measures the conversations API over HTTP, Meta webhook ingest through the whole
 * pipeline against plain INSERTs of the same rows, and webhook → Echo client latency.
 */
export async function benchInbox(options: InboxBenchOptions): Promise<InboxBenchResult> {
  const databaseUrl = await createBenchDatabase(options.databaseUrl);
  const encryptionKey = randomBytes(32);
  const server = await startAppServer({
    DATABASE_URL: databaseUrl.url,
    REDIS_URL: options.redisUrl,
    ENCRYPTION_KEY: encryptionKey.toString('hex'),
    ADMIN_PASSWORD: PASSWORD,
    BODY_LIMIT_BYTES: String(8 * 1_048_576),
  }).catch(async (error: unknown) => {
    if (!options.keep) await databaseUrl.drop();
    throw error;
  });
  const dataSource = new DataSource(buildDataSourceOptions(parseDatabaseUrl(databaseUrl.url)));
  try {
    const base = server.url;
    const serverCpu = () => server.cpuMs();
    const login = await fetchJson<{ token: string; current_workspace_id: number }>(
      `${base}/api/auth/login`,
      { method: 'POST', body: JSON.stringify({ email: server.adminEmail, password: PASSWORD }) },
    );
    const workspaceId = login.current_workspace_id;
    await dataSource.initialize();
    log(`seeding ${options.contacts} contacts, ${options.chats} chats, ${options.numbers} numbers`);
    const seed = await seedInbox(dataSource, {
      workspaceId,
      numbers: options.numbers,
      contacts: options.contacts,
      chats: options.chats,
      appSecret: APP_SECRET,
      secretBox: new SecretBox(encryptionKey),
    });
    log(`seeded in ${seed.seconds.toFixed(0)} s; analyzing tables`);
    for (const table of ['contacts', 'contact_sessions', 'chats']) {
      await dataSource.query(`ANALYZE TABLE ${table}`);
    }
    const [workspace] = await dataSource.query<Array<{ identifier: string }>>(
      'SELECT identifier FROM workspaces WHERE id = ?',
      [workspaceId],
    );
    const headers = { authorization: `Bearer ${login.token}` };
    const get = (path: string) => fetchJson(`${base}${path}`, { headers });

    log('measuring the conversations API');
    const one = seed.numbers[3]!.uuid;
    const thread = seed.threadContact.uuid;
    const cases: Array<[string, QueryFigure['kind'], string]> = [
      ['list, all numbers', 'list', '/api/conversations'],
      ['list, one number', 'list', `/api/conversations?session=${one}`],
      ['list, page 2 (cursor)', 'list', ''],
      ['search, name prefix', 'list', `/api/conversations?search=${benchContactName(4242)}`],
      [
        'search, phone (national, spaced)',
        'list',
        `/api/conversations?search=${encodeURIComponent('0812 0004 24')}`,
      ],
      [
        'search, phone (international)',
        'list',
        `/api/conversations?search=${encodeURIComponent(benchContactPhone(54321))}`,
      ],
      ['thread page, all numbers', 'thread', `/api/conversations/${thread}/messages`],
      [
        'thread page, one number',
        'thread',
        `/api/conversations/${thread}/messages?session=${seed.numbers[4 % options.numbers]!.uuid}`,
      ],
      ['unread per number', 'unread', '/api/conversations/unread'],
    ];
    const firstPage = (await get('/api/conversations')) as { next_cursor: string | null };
    const queries: QueryFigure[] = [];
    for (const [name, kind, path] of cases) {
      const target = path || `/api/conversations?cursor=${firstPage.next_cursor!}`;
      const before = await serverCpu();
      const figures = await measure(options.samples, () => get(target));
      // measure() makes one warm-up request besides the samples.
      const serverCpuMs = round(((await serverCpu()) - before) / (options.samples + 1));
      queries.push({ name, kind, ...figures, serverCpuMs });
    }

    const meta = new FakeMetaGraphApi({ appSecret: APP_SECRET });
    for (const number of seed.numbers) {
      meta.addPhoneNumber({
        phoneNumberId: number.phoneNumberId,
        wabaId: number.wabaId,
        displayPhoneNumber: number.phoneNumber,
        verifiedName: 'Bench',
        accessToken: `EAAbench${number.id}`,
      });
    }
    const webhookUrl = `${base}/webhook/whatsapp/${workspace!.identifier}`;
    const deliveries = buildDeliveries(meta, seed, options, 'tp');
    const plainDeliveries = buildDeliveries(meta, seed, options, 'plain');

    log(`ingest: ${options.ingestMessages} messages, ${options.batch} per delivery`);
    const ingest: IngestFigure[] = [];
    // Warm-up: connections, prepared plans, JIT.
    await runConcurrently(
      buildDeliveries(meta, seed, { ...options, ingestMessages: 200 }, 'warm').items,
      options.concurrency,
      (d) => deliver(meta, webhookUrl, d.body),
    );
    ingest.push(
      await timed('Meta webhooks → pipeline', deliveries.messages, serverCpu, () =>
        runConcurrently(deliveries.items, options.concurrency, (d) =>
          deliver(meta, webhookUrl, d.body),
        ),
      ),
    );
    ingest.push(
      await timed(
        'baseline: plain INSERTs of the same chat rows',
        plainDeliveries.messages,
        null,
        () =>
          runConcurrently(plainDeliveries.items, options.concurrency, (d) =>
            plainInsert(dataSource, workspaceId, seed, d),
          ),
      ),
    );
    const single = buildDeliveries(
      meta,
      seed,
      { ...options, batch: 1, ingestMessages: Math.min(options.ingestMessages, 3000) },
      'one',
    );
    ingest.push(
      await timed('Meta webhooks, one message each', single.messages, serverCpu, () =>
        runConcurrently(single.items, options.concurrency, (d) =>
          deliver(meta, webhookUrl, d.body),
        ),
      ),
    );

    log(`latency: ${options.rate} messages/s for ${options.pacedSeconds} s`);
    const latency = await pacedLatency(meta, seed, options, {
      url: base,
      webhookUrl,
      token: login.token,
      workspaceId,
    });
    return { seed, queries, ingest, latency };
  } finally {
    agent.destroy();
    server.process.kill('SIGTERM');
    if (dataSource.isInitialized) await dataSource.destroy();
    if (!options.keep) await databaseUrl.drop();
  }
}

interface Delivery {
  body: string;
  phoneNumberId: string;
  numberId: number;
  messages: Array<{ id: string; from: string; name: string; text: string; at: number }>;
}

/**
 * Deliveries in Meta's real format, signed by the fake Graph API: B messages each, from one
 * number, nine in ten from existing contacts and one in ten from a new customer.
 */
function buildDeliveries(
  meta: FakeMetaGraphApi,
  seed: InboxSeed,
  options: Pick<InboxBenchOptions, 'batch' | 'ingestMessages' | 'contacts'>,
  tag: string,
): { items: Delivery[]; messages: number } {
  const items: Delivery[] = [];
  let made = 0;
  let serial = 0;
  while (made < options.ingestMessages) {
    const number = seed.numbers[items.length % seed.numbers.length]!;
    const size = Math.min(options.batch, options.ingestMessages - made);
    const messages: Delivery['messages'] = [];
    const contacts: Array<{ profile: { name: string }; wa_id: string }> = [];
    const raw: Array<Record<string, unknown>> = [];
    for (let m = 0; m < size; m += 1) {
      serial += 1;
      const existing = serial % 10 !== 0;
      const i = existing ? (serial * 7919) % options.contacts : serial;
      const from = existing
        ? benchContactPhone(i).slice(1)
        : `6285${tag.length}${String(serial).padStart(8, '0')}`;
      const name = existing ? benchContactName(i) : `New ${tag} ${serial}`;
      const text = `Halo kak, ${tag} ${serial}`;
      const built = meta.inboundWebhook({ phoneNumberId: number.phoneNumberId, from, name, text });
      const value = (JSON.parse(built.body) as WebhookJson).entry[0]!.changes[0]!.value;
      raw.push(...value.messages!);
      contacts.push(...value.contacts!);
      messages.push({ id: built.messageId, from, name, text, at: Date.now() });
    }
    const body = meta.webhookBody(number.phoneNumberId, { contacts, messages: raw });
    items.push({ body, phoneNumberId: number.phoneNumberId, numberId: number.id, messages });
    made += size;
  }
  return { items, messages: made };
}

interface WebhookJson {
  entry: Array<{
    changes: Array<{
      value: {
        contacts?: Array<{ profile: { name: string }; wa_id: string }>;
        messages?: Array<Record<string, unknown>>;
      };
    }>;
  }>;
}

/** Keep-alive connections, as Meta's delivery fleet holds them; cheaper per request than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function deliver(meta: FakeMetaGraphApi, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-hub-signature-256': meta.sign(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode === 200) resolve();
          else
            reject(
              new Error(
                `webhook answered ${response.statusCode}: ${Buffer.concat(chunks).toString()}`,
              ),
            );
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The baseline: the same chat rows, one plain INSERT each, one transaction per delivery. */
async function plainInsert(
  dataSource: DataSource,
  workspaceId: number,
  seed: InboxSeed,
  delivery: Delivery,
): Promise<void> {
  const contactId = seed.firstContactId;
  await dataSource.transaction(async (manager) => {
    for (const message of delivery.messages) {
      await manager.query(
        'INSERT INTO chats (uuid, workspace_id, whatsapp_session_id, wam_id, contact_id, type, metadata, ' +
          "status, message_status, is_read, provider_type, chat_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'inbound', ?, " +
          "'received', 'delivered', 0, 'meta', 'private', ?, ?)",
        [
          `plain-${message.id.slice(-24)}-${randomBytes(4).toString('hex')}`,
          workspaceId,
          delivery.numberId,
          message.id,
          contactId,
          JSON.stringify({ body: message.text, type: 'text', sender_name: message.name }),
          new Date(message.at),
          new Date(),
        ],
      );
    }
  });
}

async function pacedLatency(
  meta: FakeMetaGraphApi,
  seed: InboxSeed,
  options: InboxBenchOptions,
  target: { url: string; webhookUrl: string; token: string; workspaceId: number },
): Promise<InboxBenchResult['latency']> {
  const total = Math.round(options.rate * options.pacedSeconds);
  const { items } = buildDeliveries(
    meta,
    seed,
    { ...options, batch: 1, ingestMessages: total },
    'rt',
  );
  const { default: EchoCtor } = await importEsm('laravel-echo');
  const echo: Echo = new EchoCtor({
    broadcaster: 'socket.io',
    host: target.url,
    client: io,
    transports: ['websocket'],
    bearerToken: target.token,
    auth: { headers: {} },
    forceNew: true,
    reconnection: false,
    withoutInterceptors: true,
  });
  const sentAt = new Map<string, number>();
  const histogram = new LatencyHistogram();
  let delivered = 0;
  let heard: () => void = () => undefined;
  let allDelivered: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (heard = resolve));
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const channel = echo.private(workspaceChannel(target.workspaceId).replace(/^private-/, ''));
  channel.listen(`.${RealtimeEvent.MESSAGE_RECEIVED}`, (payload: MessageReceivedPayload) => {
    heard();
    const sent = sentAt.get(payload.message.provider_message_id ?? '');
    if (sent === undefined) return;
    histogram.record(performance.now() - sent);
    delivered += 1;
    if (delivered === total) allDelivered();
  });
  try {
    // Echo on socket.io never confirms a subscription: probe messages until one is heard.
    const probes = buildDeliveries(
      meta,
      seed,
      { ...options, batch: 1, ingestMessages: 50 },
      'probe',
    );
    for (const probe of probes.items) {
      await deliver(meta, target.webhookUrl, probe.body);
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200));
      if (await Promise.race([subscribed.then(() => true), timeout])) break;
    }
    await Promise.race([
      subscribed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the Echo client heard no message')), 5000),
      ),
    ]);
    const started = performance.now();
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < items.length; i += 1) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const delivery = items[i]!;
      sentAt.set(delivery.messages[0]!.id, performance.now());
      pending.push(deliver(meta, target.webhookUrl, delivery.body));
    }
    await Promise.all(pending);
    const sendSeconds = (performance.now() - started) / 1000;
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    return {
      rate: options.rate,
      sent: total,
      delivered,
      achievedRate: round(total / sendSeconds),
      p50: round(histogram.quantile(0.5)),
      p95: round(histogram.quantile(0.95)),
      p99: round(histogram.quantile(0.99)),
      max: round(histogram.max),
    };
  } finally {
    echo.disconnect();
  }
}

async function timed(
  name: string,
  messages: number,
  serverCpu: (() => Promise<number>) | null,
  run: () => Promise<unknown>,
): Promise<IngestFigure> {
  const cpuBefore = serverCpu ? await serverCpu() : 0;
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const cpu = serverCpu ? (await serverCpu()) - cpuBefore : null;
  return {
    name,
    messages,
    seconds: round(seconds),
    perSecond: Math.round(messages / seconds),
    serverCpuMs: cpu === null ? null : round(cpu / messages),
  };
}

async function runConcurrently<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

async function fetchJson<T = unknown>(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

async function createBenchDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sb_bench_inbox_${randomBytes(4).toString('hex')}`;
  const admin = new URL(serverUrl);
  const adminUrl = `${admin.protocol}//${admin.username}:${admin.password}@${admin.host}/`;
  const connection = await createConnection(adminUrl);
  await connection.query(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await connection.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = await createConnection(adminUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

function log(line: string): void {
  process.stderr.write(`[bench:inbox] ${line}\n`);
}
