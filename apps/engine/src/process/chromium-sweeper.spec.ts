import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive, waitFor } from '@switchboard/testing';
import { freeProfile, sweepOrphanedChromium } from './chromium-sweeper.service';

describe('sweepOrphanedChromium', () => {
  let dir: string;
  const started: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-sweep-'));
  });
  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // swept already
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in Chromium on a profile of `dataDir`, orphaned as a killed engine leaves it. */
  function orphanBrowser(dataDir: string, session: string): number {
    const script = `node -e 'setInterval(() => {}, 1000)' -- --user-data-dir=${join(dataDir, `session-${session}`)} >/dev/null 2>&1 & echo $!`;
    const pid = Number(execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim());
    started.push(pid);
    return pid;
  }

  it('kills browsers left on this engine’s profiles and removes their locks', async () => {
    const orphan = orphanBrowser(dir, 'a');
    const elsewhere = orphanBrowser(join(dir, 'other-engine'), 'a');
    mkdirSync(join(dir, 'session-a'), { recursive: true });
    symlinkSync('host-12345', join(dir, 'session-a', 'SingletonLock'));
    await waitFor(
      () => isProcessAlive(orphan) && isProcessAlive(elsewhere),
      'the stand-ins to run',
    );

    const result = await sweepOrphanedChromium(dir);
    expect(result.killed).toEqual([orphan]);
    expect(result.unlocked).toEqual([join(dir, 'session-a', 'SingletonLock')]);
    await waitFor(() => !isProcessAlive(orphan), 'the orphan to die');
    expect(isProcessAlive(elsewhere)).toBe(true);
    expect(existsSync(join(dir, 'session-a', 'SingletonLock'))).toBe(false);
  });

  it('kills orphaned pooled browsers, moves a claimed pooled profile home and deletes the unclaimed', async () => {
    const pooled = orphanBrowser(join(dir, 'pool'), 'p2');
    mkdirSync(join(dir, 'pool', 'session-p1', 'Default'), { recursive: true });
    writeFileSync(join(dir, 'pool', 'session-p1', 'Default', 'login'), 'login');
    symlinkSync('host-1', join(dir, 'pool', 'session-p1', 'SingletonLock'));
    mkdirSync(join(dir, 'pool', 'session-p2'), { recursive: true });
    symlinkSync(join('pool', 'session-p1'), join(dir, 'session-a'));
    symlinkSync(join('pool', 'session-gone'), join(dir, 'session-b'));
    await waitFor(() => isProcessAlive(pooled), 'the stand-in to run');

    const result = await sweepOrphanedChromium(dir);
    expect(result.killed).toEqual([pooled]);
    expect(result.unlocked).toEqual([join(dir, 'session-a', 'SingletonLock')]);
    expect(lstatSync(join(dir, 'session-a')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, 'session-a', 'Default', 'login'), 'utf8')).toBe('login');
    expect(existsSync(join(dir, 'session-b'))).toBe(false);
    expect(readdirSync(join(dir, 'pool'))).toEqual([]);
  });

  it('leaves browsers this engine started itself alone', async () => {
    const own = spawn(process.execPath, [
      '-e',
      'setInterval(() => {}, 1000)',
      '--',
      `--user-data-dir=${join(dir, 'session-b')}`,
    ]);
    try {
      await waitFor(() => isProcessAlive(own.pid!), 'the child to run');
      expect((await sweepOrphanedChromium(dir)).killed).toEqual([]);
      expect(isProcessAlive(own.pid!)).toBe(true);
    } finally {
      own.kill('SIGKILL');
    }
  });

  it('frees one profile from a browser a failed start left on it, even one of ours', async () => {
    const profile = join(dir, 'session-c');
    const ours = spawn(process.execPath, [
      '-e',
      'setInterval(() => {}, 1000)',
      '--',
      `--user-data-dir=${profile}`,
    ]);
    const neighbour = orphanBrowser(dir, 'd');
    mkdirSync(profile, { recursive: true });
    symlinkSync('host-1', join(profile, 'SingletonLock'));
    await waitFor(() => isProcessAlive(ours.pid!) && isProcessAlive(neighbour), 'both to run');

    const result = await freeProfile(profile);
    expect(result).toEqual({ killed: [ours.pid], unlocked: [join(profile, 'SingletonLock')] });
    await waitFor(() => !isProcessAlive(ours.pid!), 'the leftover browser to die');
    expect(isProcessAlive(neighbour)).toBe(true);
  });
});
