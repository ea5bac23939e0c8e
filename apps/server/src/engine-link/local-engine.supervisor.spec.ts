import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, isProcessAlive, waitFor } from '@switchboard/testing';
import { loadConfig } from '../config/app-config';
import { LocalEngineSupervisor } from './local-engine.supervisor';

/**
 * A stand-in engine: records its environment and starts a long-lived grandchild (as Chromium
 * would be), then exits on SIGTERM without closing it, as an engine that hangs would leave it.
 */
const STAND_IN = `
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
// Written aside, then renamed: the spec never reads a half-written marker.
const marker = require('node:path').join(process.env.MARKER_DIR, String(process.pid));
require('node:fs').writeFileSync(
  marker + '.tmp',
  JSON.stringify({ grandchild: grandchild.pid, env: {
    ENGINE_PORT: process.env.ENGINE_PORT, ENGINE_SECRET: process.env.ENGINE_SECRET,
    SERVER_URL: process.env.SERVER_URL, ENGINE_ID: process.env.ENGINE_ID } }),
);
require('node:fs').renameSync(marker + '.tmp', marker);
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`;

interface Marker {
  pid: number;
  grandchild: number;
  env: Record<string, string>;
}

describe('LocalEngineSupervisor', () => {
  let dir: string;
  let sut: LocalEngineSupervisor | null = null;
  const previousMarkerDir = process.env.MARKER_DIR;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-local-engine-'));
    process.env.MARKER_DIR = join(dir, 'markers');
    mkdirSync(process.env.MARKER_DIR);
    writeFileSync(join(dir, 'engine.js'), STAND_IN);
  });

  afterEach(async () => {
    await sut?.beforeApplicationShutdown();
    sut = null;
    process.env.MARKER_DIR = previousMarkerDir;
    rmSync(dir, { recursive: true, force: true });
  });

  const markers = (): Marker[] =>
    readdirSync(process.env.MARKER_DIR!)
      .filter((name) => !name.endsWith('.tmp'))
      .map((pid) => ({
        pid: Number(pid),
        ...(JSON.parse(readFileSync(join(process.env.MARKER_DIR!, pid), 'utf8')) as Omit<
          Marker,
          'pid'
        >),
      }));

  async function start(env: Record<string, string> = {}): Promise<LocalEngineSupervisor> {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        PORT: '4321',
        LOCAL_ENGINE: 'true',
        ENGINE_PORT: String(await freeLoopbackPort()),
        ENCRYPTION_KEY: 'c'.repeat(64),
        ENGINE_SECRET: 's'.repeat(40),
        ...env,
      },
      { adminDistDir: dir },
    );
    sut = new LocalEngineSupervisor(config, {
      script: join(dir, 'engine.js'),
      restartDelayMs: () => 20,
      stopTimeoutMs: 2_000,
    });
    sut.onApplicationBootstrap();
    return sut;
  }

  it('starts the engine with the server’s secret, its own port and the way back', async () => {
    const supervisor = await start();
    await waitFor(() => markers().length === 1, 'the engine to start');
    const [engine] = markers();
    expect(engine!.pid).toBe(supervisor.pid);
    expect(engine!.env).toMatchObject({
      ENGINE_SECRET: 's'.repeat(40),
      SERVER_URL: 'http://127.0.0.1:4321',
      ENGINE_ID: 'local',
    });
    expect(Number(engine!.env.ENGINE_PORT)).toBeGreaterThan(0);
  });

  it('restarts a crashed engine and kills what the crashed one left behind', async () => {
    await start();
    await waitFor(() => markers().length === 1, 'the engine to start');
    const [first] = markers();
    process.kill(first!.pid, 'SIGKILL');
    await waitFor(() => markers().length === 2, 'a new engine');
    await waitFor(
      () => !isProcessAlive(first!.grandchild),
      'the old Chromium stand-in to be killed',
    );
    expect(isProcessAlive(markers().find((m) => m.pid !== first!.pid)!.grandchild)).toBe(true);
  });

  it('stops the engine and everything under it on shutdown', async () => {
    const supervisor = await start();
    await waitFor(() => markers().length === 1, 'the engine to start');
    const [engine] = markers();
    await supervisor.beforeApplicationShutdown();
    expect(isProcessAlive(engine!.pid)).toBe(false);
    await waitFor(() => !isProcessAlive(engine!.grandchild), 'the Chromium stand-in to be killed');
    expect(supervisor.pid).toBeNull();
  });

  it('starts nothing when a remote engine is configured', async () => {
    const supervisor = await start({ ENGINE_URL: 'http://engine.internal:3100' });
    expect(supervisor.pid).toBeNull();
    expect(markers()).toEqual([]);
  });
});
