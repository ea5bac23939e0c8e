import { lstat, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { listProcesses, treeOf } from './proc-table';

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
  const prefix = `--user-data-dir=${join(root, 'session-')}`;
  const processes = await listProcesses();
  // Chromiums this process started itself are not orphans.
  const ours = treeOf(process.pid, processes);
  const killed = killAll(
    [...processes]
      .filter(([pid, info]) => info.args.some((arg) => arg.startsWith(prefix)) && !ours.has(pid))
      .map(([pid]) => pid),
  );
  const unlocked: string[] = [];
  const profiles = await readdir(root).catch(() => [] as string[]);
  for (const profile of profiles.filter((name) => name.startsWith('session-')))
    unlocked.push(...(await removeProfileLocks(join(root, profile))));
  return { killed, unlocked };
}

/**
 * Frees one profile for the next client: kills every browser still running on it (a client
 * whose start failed half-way can leave one, which then refuses the profile to everyone with
 * "The browser is already running") and removes its locks.
 */
export async function freeProfile(profileDir: string): Promise<SweepResult> {
  const flag = `--user-data-dir=${resolve(profileDir)}`;
  const processes = await listProcesses();
  const killed = killAll(
    [...processes].filter(([, info]) => info.args.includes(flag)).map(([pid]) => pid),
  );
  return { killed, unlocked: await removeProfileLocks(resolve(profileDir)) };
}

function killAll(pids: number[]): number[] {
  const killed: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // gone already
    }
  }
  return killed;
}

async function removeProfileLocks(profileDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const lock of PROFILE_LOCKS) {
    const path = join(profileDir, lock);
    // The lock is a symlink to "<host>-<pid>": lstat, since its target never exists as a file.
    const exists = await lstat(path).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
