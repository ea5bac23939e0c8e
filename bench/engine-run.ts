import 'reflect-metadata';
import { cpus } from 'node:os';
import type { CpuBreakdown } from './engine-cpu';
import { benchEngine, type EngineBenchOptions, type EngineBenchResult } from './engine.bench';
import { round } from './stats';

const USAGE =
  '[ENGINE_WARM_POOL=n] [ENGINE_START_CONCURRENCY=n] npm run bench:engine -- [--sessions=50]\n  [--together=10] [--idle-seconds=15] [--single-runs=3]';

/** The product targets. */
const TARGET_QR_P95_MS = 3_000;
const TARGET_SESSIONS = 50;
const TARGET_RESTORE_SECONDS = 120;
/** "Held" means connected with this share of the machine's memory still available. */
const MIN_AVAILABLE_SHARE = 0.1;

function parseOptions(argv: string[]): EngineBenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.+)$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\nusage: ${USAGE}`);
    flags.set(match[1]!, match[2]!);
  }
  const integer = (name: string, fallback: number): number => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`--${name} must be a positive integer`);
    flags.delete(name);
    return value;
  };
  const options = {
    sessions: integer('sessions', TARGET_SESSIONS),
    together: integer('together', 10),
    idleSeconds: integer('idle-seconds', 15),
    singleRuns: integer('single-runs', 3),
  };
  if (flags.size > 0) throw new Error(`unknown flag --${[...flags.keys()][0]}\nusage: ${USAGE}`);
  return options;
}

interface Verdict {
  target: string;
  measured: string;
  met: boolean | null;
}

function verdicts(r: EngineBenchResult): Verdict[] {
  const full = r.sessions >= TARGET_SESSIONS;
  const scaled = (met: boolean) => (full ? met : null);
  const heldMet =
    r.connected >= TARGET_SESSIONS && r.memAvailableAfterMiB >= r.memTotalMiB * MIN_AVAILABLE_SHARE;
  return [
    {
      target: `QR p95 < ${TARGET_QR_P95_MS / 1000} s, 10 together`,
      measured: `${r.qrTogether.p95} ms with ${r.together} together`,
      met: r.together >= 10 ? r.qrTogether.p95 < TARGET_QR_P95_MS : null,
    },
    {
      target: `${TARGET_SESSIONS} sessions held`,
      measured: `${r.connected} connected, ${r.memAvailableAfterMiB} MiB still available`,
      met: scaled(heldMet),
    },
    {
      target: `all ${TARGET_SESSIONS} restored in ≤ ${TARGET_RESTORE_SECONDS} s`,
      measured: `${r.restored}/${r.connected} in ${r.restoreSeconds ?? '—'} s, ${r.newQrsAfterRestore} new QR`,
      met: scaled(
        r.restoreSeconds !== null &&
          r.restoreSeconds <= TARGET_RESTORE_SECONDS &&
          r.newQrsAfterRestore === 0,
      ),
    },
  ];
}

function print(r: EngineBenchResult): void {
  const rows: Array<[string, string]> = [
    [
      'engine settings',
      `ENGINE_WARM_POOL=${r.warmPool}, ENGINE_START_CONCURRENCY=${r.startConcurrency}`,
    ],
    [
      'PSS per pooled client (idle, at its QR)',
      r.pooledClientPssMiB === null ? '— (no pool)' : `${r.pooledClientPssMiB} MiB`,
    ],
    [
      `first QR, 1 session × ${r.qrSingle.n} (baseline)`,
      `p50 ${r.qrSingle.p50} ms, p95 ${r.qrSingle.p95} ms`,
    ],
    [
      `first QR, ${r.together} together`,
      `p50 ${r.qrTogether.p50} ms, p95 ${r.qrTogether.p95} ms, max ${r.qrTogether.max} ms`,
    ],
    [
      `link ${r.sessions} (${r.together} at a time)`,
      `${r.linkSeconds} s, ${r.connected} connected`,
    ],
    [
      'MemAvailable before → after',
      `${r.memAvailableBeforeMiB} → ${r.memAvailableAfterMiB} MiB of ${r.memTotalMiB}`,
    ],
    ['MemAvailable drop per session', `${r.memAvailableDropPerSessionMiB} MiB`],
    ['Chromium PSS total', `${r.chromiumPssMiB} MiB in ${r.chromiumProcesses} processes`],
    ['Chromium PSS per session', `${r.chromiumPssPerSessionMiB} MiB`],
    ['server + engine + fake process PSS', `${r.benchProcessPssMiB} MiB`],
    [
      `idle CPU over ${r.idleSeconds} s (% of one core)`,
      `Chromium ${r.idleCpuChromiumPct} %, server + engine + fake ${r.idleCpuBenchProcessPct} %`,
    ],
    [`idle CPU-s by process over ${r.idleSeconds} s`, describeCpu(r.idleCpu)],
    [
      'restore after engine restart',
      `${r.restored}/${r.connected} in ${r.restoreSeconds ?? 'timeout'} s, ${r.newQrsAfterRestore} new QR`,
    ],
    ['restore CPU-s by process', describeCpu(r.restoreCpu)],
    [
      'restore CPU-s per session',
      `${round((r.restoreCpu.node + r.restoreCpu.chromiumTotal) / Math.max(1, r.connected))}`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write('\n');
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
  process.stdout.write('\ntargets\n');
  const results = verdicts(r);
  const targetWidth = Math.max(...results.map((v) => v.target.length));
  for (const v of results) {
    const verdict = v.met === null ? 'n/a (smaller run)' : v.met ? 'met' : 'NOT met';
    process.stdout.write(`${v.target.padEnd(targetWidth)}  ${verdict.padEnd(17)}  ${v.measured}\n`);
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'engine', cpus: cpus().length, ...r, targets: results })}\n`,
  );
}

function describeCpu(cpu: CpuBreakdown): string {
  const kinds = Object.entries(cpu.chromium)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, seconds]) => `${kind} ${seconds}`);
  return `node ${cpu.node}, Chromium ${cpu.chromiumTotal} (${kinds.join(', ')})`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stdout.write(
    `engine bench: ${options.sessions} sessions, ${options.together} together, ` +
      `${cpus().length} CPUs, ENGINE_WARM_POOL=${process.env.ENGINE_WARM_POOL || '0 (default)'}, ` +
      `ENGINE_START_CONCURRENCY=${process.env.ENGINE_START_CONCURRENCY || 'default'} — ` +
      `real whatsapp-web.js in Chromium against the fake WhatsApp Web\n`,
  );
  const started = Date.now();
  const result = await benchEngine(options, (line) =>
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
  );
  print(result);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
