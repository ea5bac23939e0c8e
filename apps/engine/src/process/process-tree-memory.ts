import { readFile } from 'node:fs/promises';
import { listProcesses, treeOf, type ProcessEntry } from './proc-table';

/**
 * The proportional memory (PSS) of a process and all its descendants, in bytes — a Chromium is a
 * browser process with a dozen helpers, and PSS shares their common pages fairly instead of
 * counting them in every process as RSS would. Null when the process is gone or /proc is absent.
 * `processes`: a process table already read (see `processTable`), to share one among many trees.
 */
export async function processTreePssBytes(
  rootPid: number,
  processes?: Map<number, ProcessEntry>,
): Promise<number | null> {
  processes ??= await processTable();
  if (!processes.has(rootPid)) return null;
  let total = 0;
  for (const pid of treeOf(rootPid, processes)) total += (await pssOf(pid)) ?? 0;
  return total;
}

async function pssOf(pid: number): Promise<number | null> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => null);
  const match = rollup?.match(/^Pss:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : null;
}

/** The process table `processTreePssBytes` needs: every process's parent. */
export function processTable(): Promise<Map<number, ProcessEntry>> {
  return listProcesses({ args: false });
}
