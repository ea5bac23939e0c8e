import { readdir, readFile } from 'node:fs/promises';

/**
 * The proportional memory (PSS) of a process and all its descendants, in bytes — a Chromium is a
 * browser process with a dozen helpers, and PSS shares their common pages fairly instead of
 * counting them in every process as RSS would. Null when the process is gone or /proc is absent.
 */
export async function processTreePssBytes(rootPid: number): Promise<number | null> {
  const parents = await parentsByPid();
  if (!parents.has(rootPid)) return null;
  const tree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) total += (await pssOf(pid)) ?? 0;
  return total;
}

async function parentsByPid(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return parents;
  }
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
        if (!stat) return;
        // The command name is in parentheses and may itself hold spaces or parentheses.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parents.set(Number(name), Number(fields[1]));
      }),
  );
  return parents;
}

async function pssOf(pid: number): Promise<number | null> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => null);
  const match = rollup?.match(/^Pss:\s+(\d+) kB$/m);
  return match ? Number(match[1]) * 1024 : null;
}
