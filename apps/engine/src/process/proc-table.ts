import { readdir, readFile } from 'node:fs/promises';

export interface ProcessEntry {
  parent: number;
  /** The command line, one argument per entry. */
  args: string[];
}

/**
 * Every process on the machine, read from /proc (empty where there is no /proc). With `args:
 * false` only the parents are read (the command lines are left empty): half the reads, and a
 * command line is the dearer one for the kernel to produce.
 */
export async function listProcesses({ args = true } = {}): Promise<Map<number, ProcessEntry>> {
  const processes = new Map<number, ProcessEntry>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const cmdline = args ? await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '') : '';
    processes.set(Number(name), {
      // The command name is in parentheses and may itself hold spaces or parentheses.
      parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]),
      args: cmdline.split('\0'),
    });
  }
  return processes;
}

/** `root` and every process below it. */
export function treeOf(root: number, processes: Map<number, ProcessEntry>): Set<number> {
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { parent }] of processes) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}
