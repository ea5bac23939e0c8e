import { lstat, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { listProcesses, treeOf } from './proc-table';

/** Profiles of warm-pool clients live here under the data dir, until a session claims one. */
export const WARM_POOL_DIR = 'pool';

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
  const poolRoot = join(root, WARM_POOL_DIR);
  const prefixes = [join(root, 'session-'), join(poolRoot, 'session-')].map(
    (path) => `--user-data-dir=${path}`,
  );
  const processes = await listProcesses();
  // Chromiums this process started itself are not orphans, nor are the profiles they use.
  const ours = treeOf(process.pid, processes);
  const inUse = new Set<string>();
  const orphans: number[] = [];
  for (const [pid, info] of processes) {
    const flag = info.args.find((arg) => prefixes.some((prefix) => arg.startsWith(prefix)));
    if (!flag) continue;
    if (ours.has(pid)) inUse.add(flag.slice('--user-data-dir='.length));
    else orphans.push(pid);
  }
  const killed = killAll(orphans);
  const unlocked: string[] = [];
  const profiles = await readdir(root).catch(() => [] as string[]);
  for (const profile of profiles.filter((name) => name.startsWith('session-'))) {
    const path = join(root, profile);
    // A session that ran on a pooled client when its engine died: its profile moves home.
    const pooled = await claimedProfile(path);
    if (pooled && !inUse.has(pooled)) {
      await rm(path, { force: true });
      await rename(pooled, path);
    }
    if (!pooled || !inUse.has(pooled)) unlocked.push(...(await removeProfileLocks(path)));
  }
  // Pooled clients that no session claimed hold nothing worth keeping.
  for (const name of await readdir(poolRoot).catch(() => [] as string[])) {
    const path = join(poolRoot, name);
    if (!inUse.has(path)) await rm(path, { recursive: true, force: true, maxRetries: 3 });
  }
  return { killed, unlocked };
}

/**
 * Where a session's profile really is while it is a pooled client's (its path is a symlink
 * then); null for a plain directory or none. A link whose target is gone is removed.
 */
export async function claimedProfile(path: string): Promise<string | null> {
  const link = await lstat(path).catch(() => null);
  if (!link?.isSymbolicLink()) return null;
  // Not realpath: the target must read as the pooled Chromium's --user-data-dir did.
  const target = resolve(dirname(path), await readlink(path));
  if (
    await stat(target).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    return target;
  await rm(path, { force: true });
  return null;
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
