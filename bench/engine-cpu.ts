import { readFileSync } from 'node:fs';
import { descendantsOf } from './process-stats';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
/**
 * Reading the process table costs this process CPU too (at 200 ms it was a third of its time
 * during a restore); once a second still catches every session's processes, which live for the
 * whole phase, and loses little of the short-lived ones'.
 */
const SAMPLE_INTERVAL_MS = 1_000;

/** The CPU-seconds (utime + stime) a phase cost, per kind of process. */
export interface CpuBreakdown {
  /** This process: the server, the engine and the fake WhatsApp Web together. */
  node: number;
  /** Chromium by process type: `browser`, `renderer`, `gpu`, `utility:<service>`, `zygote`… */
  chromium: Record<string, number>;
  chromiumTotal: number;
}

/**
 * Adds up the CPU time the Chromiums below this process (and the process itself) spend while it
 * runs, by Chromium process type. Processes are read every second, since an exited process's
 * time can no longer be read; a process already running at `start` counts from its time then.
 */
export class ProcessCpuSampler {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, { kind: string; ticks: number }>();
  private timer: NodeJS.Timeout | null = null;
  private nodeStart: NodeJS.CpuUsage | null = null;

  /** `only`: count these processes alone; by default every one below this process. */
  constructor(private readonly only: number[] | null = null) {}

  start(): void {
    this.nodeStart = process.cpuUsage();
    for (const pid of this.only ?? descendantsOf(process.pid)) {
      const ticks = cpuTicks(pid);
      if (ticks !== null) this.first.set(pid, ticks);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  stop(): CpuBreakdown {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const chromium: Record<string, number> = {};
    let chromiumTotal = 0;
    for (const [pid, { kind, ticks }] of this.last) {
      const seconds = (ticks - (this.first.get(pid) ?? 0)) / TICKS_PER_SECOND;
      chromium[kind] = round((chromium[kind] ?? 0) + seconds);
      chromiumTotal += seconds;
    }
    const node = process.cpuUsage(this.nodeStart ?? undefined);
    return {
      node: round((node.user + node.system) / 1e6),
      chromium,
      chromiumTotal: round(chromiumTotal),
    };
  }

  private sample(): void {
    for (const pid of this.only ?? descendantsOf(process.pid)) {
      const ticks = cpuTicks(pid);
      if (ticks === null) continue;
      // A process forked by the zygote or the browser shows its parent's command line until
      // it has set up its own: read again while it looks like one of those.
      const known = this.last.get(pid)?.kind;
      const settled = known !== undefined && !['browser', 'zygote', 'other'].includes(known);
      this.last.set(pid, {
        kind: (settled ? known : chromiumKind(pid)) ?? known ?? 'other',
        ticks,
      });
    }
  }
}

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** `browser` for a Chromium without `--type`, else its type (and a utility's service). */
function chromiumKind(pid: number): string | null {
  let args: string[];
  try {
    // Chromium's children rewrite their title: one string with spaces, not NUL-separated args.
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  } catch {
    return null;
  }
  if (!args.some((arg) => arg.includes('chromium'))) return 'other';
  const flag = (name: string) =>
    args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
  const type = flag('type');
  if (!type) return 'browser';
  if (type === 'utility') {
    const service = flag('utility-sub-type') ?? '';
    return `utility:${service.split('.')[0] || 'other'}`;
  }
  return type === 'gpu-process' ? 'gpu' : type;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
