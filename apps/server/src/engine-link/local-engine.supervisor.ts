import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** How the local engine is started; tests point it at a small stand-in script. */
export interface LocalEngineLaunch {
  /** The engine's entry script, run with this Node. */
  script: string;
  /** Backoff between restarts after a crash (ms): 1 s doubling to 30 s. */
  restartDelayMs?: (attempt: number) => number;
  /** How long the engine gets to stop (and close its Chromiums) before it is killed. */
  stopTimeoutMs?: number;
}

export const LOCAL_ENGINE_LAUNCH = Symbol('LOCAL_ENGINE_LAUNCH');

/** The built engine, next to the built server (`dist/apps/engine/src/main.js`). */
export const BUILT_ENGINE_SCRIPT = join(__dirname, '..', '..', '..', 'engine', 'src', 'main.js');

/** After this long up, a crash counts as a first crash again. */
const STABLE_AFTER_MS = 60_000;

/**
 * On a single machine (no ENGINE_URL) the server runs the engine as a child process in its own
 * process group, restarts it with backoff when it dies, and on shutdown stops it — and every
 * Chromium under it — before the server exits.
 */
@Injectable()
export class LocalEngineSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LocalEngine');
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private crashes = 0;
  private startedAt = 0;
  private readonly launch: Required<LocalEngineLaunch>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOCAL_ENGINE_LAUNCH) launch: LocalEngineLaunch,
  ) {
    this.launch = {
      restartDelayMs: (attempt) => Math.min(30_000, 1_000 * 2 ** (attempt - 1)),
      stopTimeoutMs: 15_000,
      ...launch,
    };
  }

  /** The process id of the running engine, or null. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  onApplicationBootstrap(): void {
    if (!this.config.localEngine) return;
    if (!existsSync(this.launch.script)) {
      this.logger.error(`local engine not found at ${this.launch.script}: run "npm run build"`);
      return;
    }
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signalGroup(child, 'SIGTERM');
    const killTimer = setTimeout(
      () => this.signalGroup(child, 'SIGKILL'),
      this.launch.stopTimeoutMs,
    );
    await exited;
    clearTimeout(killTimer);
    // Chromium helpers the engine could not close are in its group too.
    this.signalGroup(child, 'SIGKILL');
  }

  private start(): void {
    const child = spawn(process.execPath, [this.launch.script], {
      env: { ...process.env, ...this.engineEnv() },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    this.logger.log(`local engine started (pid ${child.pid}, port ${this.config.enginePort})`);
    child.once('error', (error) => this.logger.error(`local engine failed: ${error.message}`));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    if (this.stopping) return;
    // Its Chromiums must not outlive it: the next engine would find their profiles locked.
    this.signalGroup(child, 'SIGKILL');
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.crashes = 0;
    this.crashes += 1;
    const delay = this.launch.restartDelayMs(this.crashes);
    this.logger.error(
      `local engine exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.start();
    }, delay);
  }

  private engineEnv(): Record<string, string> {
    const { host, port } = this.config;
    const serverHost = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
    return {
      ENGINE_HOST: '127.0.0.1',
      ENGINE_PORT: String(this.config.enginePort),
      ENGINE_SECRET: this.config.engineSecret,
      ENGINE_ID: process.env.ENGINE_ID ?? 'local',
      ENGINE_DATA_DIR: process.env.ENGINE_DATA_DIR ?? join(this.config.dataDir, 'engine'),
      SERVER_URL: `http://${serverHost.includes(':') ? `[${serverHost}]` : serverHost}:${port}`,
      LOG_LEVEL: this.config.logLevel,
    };
  }

  private signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}
