import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import {
  benchRealtime,
  type FanoutOptions,
  type FanoutResult,
  type PhaseFigures,
  type TargetName,
  windowFor,
} from './realtime.bench';

const USAGE = `npm run bench:realtime -- [--clients=1000,5000] [--rate=100] [--paced-seconds=8]
  [--throughput-seconds=4] [--warmup-seconds=1] [--window=events] [--procs=2] [--max-backlog-ms=1000]
  [--targets=gateway,bare] [--rounds=4]`;

/** The product targets: p99 at 1,000 clients × 100 events/s, throughput against the baseline. */
const TARGET_P99_MS = 50;
const TARGET_P99_CLIENTS = 1000;
const TARGET_P99_RATE = 100;
const TARGET_THROUGHPUT_RATIO = 0.8;

function parseOptions(argv: string[]): FanoutOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.+)$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\nusage: ${USAGE}`);
    flags.set(match[1]!, match[2]!);
  }
  const number = (name: string, fallback: number): number => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number`);
    flags.delete(name);
    return value;
  };
  const clients = (flags.get('clients') ?? '1000,5000').split(',').map(Number);
  flags.delete('clients');
  const targets = (flags.get('targets') ?? 'gateway,bare').split(',') as TargetName[];
  flags.delete('targets');
  if (targets.some((t) => t !== 'gateway' && t !== 'bare'))
    throw new Error('--targets: gateway,bare');
  if (clients.some((c) => !Number.isInteger(c) || c <= 0)) throw new Error('--clients: integers');
  const options: FanoutOptions = {
    clients,
    rate: number('rate', 100),
    pacedSeconds: number('paced-seconds', 8),
    throughputSeconds: number('throughput-seconds', 4),
    warmupSeconds: number('warmup-seconds', 1),
    window: flags.has('window') ? number('window', 1) : undefined,
    procs: number('procs', 2),
    rounds: Math.round(number('rounds', 4)),
    targets,
    maxBacklogMs: number('max-backlog-ms', 1000),
  };
  if (flags.size > 0) throw new Error(`unknown flag --${[...flags.keys()][0]}\nusage: ${USAGE}`);
  return options;
}

const out = process.stdout;
const columns: Array<[string, number, (r: FanoutResult, p: PhaseFigures) => string]> = [
  ['target', 8, (r) => r.target],
  ['clients', 7, (r) => String(r.clients)],
  ['events/s', 9, (_, p) => p.eventsPerSecond.toFixed(1)],
  ['deliveries/s', 12, (_, p) => String(p.deliveriesPerSecond)],
  ['p50 ms', 8, (_, p) => p.p50.toFixed(2)],
  ['p95 ms', 8, (_, p) => p.p95.toFixed(2)],
  ['p99 ms', 8, (_, p) => p.p99.toFixed(2)],
  ['max ms', 8, (_, p) => p.max.toFixed(1)],
  ['delivered/expected', 22, (_, p) => `${p.delivered}/${p.expected}`],
  ['server ELU', 10, (_, p) => p.serverElu.toFixed(2)],
  ['client ELU', 10, (_, p) => p.clientElu.toFixed(2)],
];

function row(cells: string[]): string {
  return cells
    .map((cell, i) => (i === 0 ? cell.padEnd(columns[i]![1]) : cell.padStart(columns[i]![1])))
    .join('  ');
}

function printTable(
  title: string,
  results: FanoutResult[],
  pick: (r: FanoutResult) => PhaseFigures,
) {
  out.write(`\n${title}\n${row(columns.map(([name]) => name))}\n`);
  for (const r of results) {
    const p = pick(r);
    const note = p.sustained ? '' : '  not sustained: stopped once delivery fell behind';
    out.write(`${row(columns.map(([, , cell]) => cell(r, p)))}${note}\n`);
  }
}

interface TargetCheck {
  name: string;
  clients: number;
  met: boolean;
  detail: string;
}

function checkTargets(options: FanoutOptions, results: FanoutResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const clients of options.clients) {
    const gateway = results.find((r) => r.target === 'gateway' && r.clients === clients);
    const bare = results.find((r) => r.target === 'bare' && r.clients === clients);
    if (!gateway || !bare) continue;
    if (clients === TARGET_P99_CLIENTS && options.rate === TARGET_P99_RATE) {
      const p = gateway.paced;
      const lost = p.expected - p.delivered;
      const caveat = !p.sustained
        ? `, ${options.rate} events/s not sustained (fell over ${options.maxBacklogMs} ms behind)`
        : lost > 0
          ? `, ${lost} deliveries lost`
          : '';
      checks.push({
        name: `p99 ≤ ${TARGET_P99_MS} ms at ${clients} clients × ${options.rate} events/s`,
        clients,
        met: p.sustained && lost === 0 && p.p99 <= TARGET_P99_MS,
        detail: `gateway p99 ${p.p99} ms (bare ${bare.paced.p99} ms)${caveat}`,
      });
    }
    const ratio = gateway.throughput.eventsPerSecond / bare.throughput.eventsPerSecond;
    checks.push({
      name: `throughput within 20 % of bare at ${clients} clients`,
      clients,
      met: ratio >= TARGET_THROUGHPUT_RATIO,
      detail: `gateway ${gateway.throughput.eventsPerSecond} events/s vs bare ${bare.throughput.eventsPerSecond} (${Math.round(ratio * 100)} %)`,
    });
  }
  return checks;
}

function windows(options: FanoutOptions): string {
  return options.clients.map((c) => `${windowFor(options, c)} events at ${c} clients`).join(', ');
}

/** `npm run bench:realtime`: Echo fan-out through Switchboard against a bare socket.io baseline. */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  out.write(
    `\nRealtime fan-out to C laravel-echo clients on one private channel, clients in ${options.procs} ` +
      `processes, ${cpus().length} CPUs, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n` +
      `paced: ${options.rate} events/s for ${options.pacedSeconds} s; throughput: ` +
      `${options.throughputSeconds} s with at most ${windows(options)} in flight; each phase in ` +
      `${options.rounds} slices per target, alternating targets\n`,
  );
  const results = await benchRealtime(options, (r) =>
    out.write(
      `  measured ${r.target} at ${r.clients} clients: paced p99 ${r.paced.p99} ms, ` +
        `throughput ${r.throughput.eventsPerSecond} events/s\n`,
    ),
  );
  printTable(
    `Paced: ${options.rate} events/s for ${options.pacedSeconds} s (latency = receipt − due time)`,
    results,
    (r) => r.paced,
  );
  printTable(
    `Throughput: back to back, ${windows(options)} in flight (events/s = events reaching all clients per s, first to last)`,
    results,
    (r) => r.throughput,
  );
  const checks = checkTargets(options, results);
  out.write('\nTargets\n');
  for (const c of checks) out.write(`${c.met ? 'MET    ' : 'NOT MET'}  ${c.name}: ${c.detail}\n`);
  const harnessBound = results.some(
    (r) => r.paced.clientElu >= 0.9 || r.throughput.clientElu >= 0.9,
  );
  if (harnessBound) {
    out.write(
      'note: a client process was ≥ 90 % busy; its figures include client-side queueing (raise --procs on a bigger machine)\n',
    );
  }
  out.write(
    `runtime ${Math.round((Date.now() - started) / 1000)} s, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (above ${cpus().length}, other work skewed the figures)\n`,
  );
  out.write(
    `${JSON.stringify({ bench: 'realtime-fanout', cpus: cpus().length, options, results, targets: checks })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
