import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';

/** Files Chromium keeps in a profile while it runs; a crashed browser leaves them behind. */
const PROFILE_LOCKS = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'];

export interface SweepResult {
  killed: number[];
  unlocked: string[];
}

/**
 * At boot, before any session starts: kills Chromium processes still running on this engine's
 * profiles (left by an engine that crashed or was killed) and removes the profile locks they
 * leave, which would otherwise stop the same profile from opening again. Each engine needs a data
 * directory of its own for this to be safe.
 */
@Injectable()
export class ChromiumSweeperService implements OnModuleInit {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const result = await sweepOrphanedChromium(this.config.dataDir);
    if (result.killed.length || result.unlocked.length)
      this.logger.warn(result, 'swept Chromium left over from an earlier engine');
  }
}

export async function sweepOrphanedChromium(dataDir: string): Promise<SweepResult> {
  const root = resolve(dataDir);
  const marker = `--user-data-dir=${join(root, 'session-')}`;
  const parents = new Map<number, number>();
  const orphans: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.startsWith(marker))) orphans.push(pid);
  }
  // Chromiums this process started itself are not orphans.
  const isOurs = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  const killed: number[] = [];
  for (const pid of orphans) {
    if (isOurs(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // gone already
    }
  }
  const unlocked: string[] = [];
  const profiles = await readdir(root).catch(() => [] as string[]);
  for (const profile of profiles.filter((name) => name.startsWith('session-'))) {
    for (const lock of PROFILE_LOCKS) {
      const path = join(root, profile, lock);
      // The lock is a symlink to "<host>-<pid>": lstat, since its target never exists as a file.
      const existed = await lstat(path).then(
        () => true,
        () => false,
      );
      if (!existed) continue;
      await rm(path, { force: true });
      unlocked.push(path);
    }
  }
  return { killed, unlocked };
}
