import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchInbox, type InboxBenchOptions, type InboxBenchResult } from './inbox.bench';

const USAGE = `npm run bench:inbox -- [--contacts=100000] [--chats=1000000] [--numbers=10]
  [--samples=200] [--batch=50] [--concurrency=4] [--ingest=20000] [--rate=200]
  [--paced-seconds=15] [--keep]
BENCH_DATABASE_URL (a MariaDB/MySQL server; the bench creates and drops its own database) and
BENCH_REDIS_URL select running services; without them scripts/services.sh starts a throwaway
MariaDB and Redis (ports SB_TEST_DB_PORT / SB_TEST_REDIS_PORT, default 33071 / 63771).`;

/** The issue's targets on a 2-core machine. */
const TARGET_QUERY_P95_MS = 20;
const TARGET_INGEST_PER_SECOND = 1000;
const TARGET_P99_MS = 100;
const TARGET_P99_RATE = 200;

function parseOptions(argv: string[]): Omit<InboxBenchOptions, 'databaseUrl' | 'redisUrl'> {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.+))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\nusage: ${USAGE}`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  const number = (name: string, fallback: number): number => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`--${name} must be a positive integer`);
    flags.delete(name);
    return value;
  };
  const keep = flags.get('keep') === 'true';
  flags.delete('keep');
  const options = {
    contacts: number('contacts', 100_000),
    chats: number('chats', 1_000_000),
    numbers: number('numbers', 10),
    samples: number('samples', 200),
    batch: number('batch', 50),
    concurrency: number('concurrency', 4),
    ingestMessages: number('ingest', 20_000),
    rate: number('rate', TARGET_P99_RATE),
    pacedSeconds: number('paced-seconds', 15),
    keep,
  };
  if (flags.size > 0) throw new Error(`unknown flag --${[...flags.keys()][0]}\nusage: ${USAGE}`);
  return options;
}

/** A throwaway MariaDB and Redis from scripts/services.sh, stopped and removed afterwards. */
function startServices(): { databaseUrl: string; redisUrl: string; stop: () => void } {
  const script = resolve(__dirname, '../../scripts/services.sh');
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-inbox-'));
  const env = {
    ...process.env,
    SB_TEST_DB_PORT: process.env.SB_TEST_DB_PORT ?? '33071',
    SB_TEST_REDIS_PORT: process.env.SB_TEST_REDIS_PORT ?? '63771',
  };
  const stop = () => {
    execFileSync(script, ['stop', dir], { env, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const output = execFileSync(script, ['start', dir], { env, encoding: 'utf8' });
    const value = (name: string) => {
      const match = new RegExp(`${name}=(\\S+)`).exec(output);
      if (!match) throw new Error(`scripts/services.sh printed no ${name}`);
      return match[1]!;
    };
    return { databaseUrl: value('TEST_DATABASE_URL'), redisUrl: value('TEST_REDIS_URL'), stop };
  } catch (error) {
    stop();
    throw error;
  }
}

const out = process.stdout;

function print(
  result: InboxBenchResult,
  options: ReturnType<typeof parseOptions>,
  loadBefore: number[],
): void {
  const { seed } = result;
  out.write(
    `\nInbox on MariaDB: ${options.contacts} contacts, ${seed.chats} chats, ${seed.conversations} conversations, ` +
      `${seed.numbers.length} numbers, ${seed.unreadMessages} unread (seeded in ${seed.seconds.toFixed(0)} s)\n`,
  );
  const load = (values: number[]) => values.map((l) => l.toFixed(2)).join(' ');
  // Other work on the machine shows in every wall-clock figure; the server CPU columns less so.
  out.write(
    `${cpus().length} CPUs, load average ${load(loadBefore)} before, ${load(loadavg())} after\n`,
  );
  out.write(
    `\nConversations API over HTTP (ms, ${options.samples} requests each)\n` +
      `${'case'.padEnd(36)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)} ${'server CPU'.padStart(10)}  target\n`,
  );
  for (const q of result.queries) {
    const met = q.p95 <= TARGET_QUERY_P95_MS ? 'met' : 'NOT MET';
    out.write(
      `${q.name.padEnd(36)} ${q.p50.toFixed(2).padStart(8)} ${q.p95.toFixed(2).padStart(8)} ${q.max.toFixed(1).padStart(8)} ${q.serverCpuMs.toFixed(2).padStart(10)}  p95 ≤ ${TARGET_QUERY_P95_MS}: ${met}\n`,
    );
  }
  out.write(
    `\nIngest (${options.batch} messages per delivery, ${options.concurrency} in flight)\n` +
      `${'path'.padEnd(48)} ${'messages'.padStart(9)} ${'s'.padStart(7)} ${'msg/s'.padStart(8)} ${'server CPU ms/msg'.padStart(18)}\n`,
  );
  for (const i of result.ingest) {
    out.write(
      `${i.name.padEnd(48)} ${String(i.messages).padStart(9)} ${i.seconds.toFixed(2).padStart(7)} ${String(i.perSecond).padStart(8)} ${(i.serverCpuMs === null ? '-' : i.serverCpuMs.toFixed(2)).padStart(18)}\n`,
    );
  }
  const l = result.latency;
  out.write(
    `\nWebhook → Echo client (one message per delivery, ${l.rate}/s asked, ${l.achievedRate}/s sent)\n` +
      `delivered ${l.delivered}/${l.sent}, p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms\n`,
  );
  const pipeline = result.ingest[0]!;
  const baseline = result.ingest[1]!;
  const checks: Array<[string, boolean, string]> = [
    [
      `list and thread p95 ≤ ${TARGET_QUERY_P95_MS} ms`,
      result.queries.every((q) => q.p95 <= TARGET_QUERY_P95_MS),
      `worst ${Math.max(...result.queries.map((q) => q.p95))} ms`,
    ],
    [
      `ingest ≥ ${TARGET_INGEST_PER_SECOND} messages/s`,
      pipeline.perSecond >= TARGET_INGEST_PER_SECOND,
      `${pipeline.perSecond}/s (plain INSERTs ${baseline.perSecond}/s, ${Math.round((100 * pipeline.perSecond) / baseline.perSecond)} %)`,
    ],
    [
      `p99 ≤ ${TARGET_P99_MS} ms at ${TARGET_P99_RATE} messages/s`,
      l.rate === TARGET_P99_RATE && l.delivered === l.sent && l.p99 <= TARGET_P99_MS,
      `p99 ${l.p99} ms${l.delivered === l.sent ? '' : `, ${l.sent - l.delivered} not delivered`}`,
    ],
  ];
  out.write('\nTargets\n');
  for (const [name, met, detail] of checks) {
    out.write(`${met ? 'met    ' : 'NOT MET'}  ${name.padEnd(36)} ${detail}\n`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const given = process.env.BENCH_DATABASE_URL && process.env.BENCH_REDIS_URL;
  const services = given
    ? {
        databaseUrl: process.env.BENCH_DATABASE_URL!,
        redisUrl: process.env.BENCH_REDIS_URL!,
        stop: () => undefined,
      }
    : startServices();
  const loadBefore = loadavg();
  try {
    const result = await benchInbox({
      ...options,
      databaseUrl: services.databaseUrl,
      redisUrl: services.redisUrl,
    });
    print(result, options, loadBefore);
  } finally {
    services.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
