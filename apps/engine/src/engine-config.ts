import { availableParallelism, hostname } from 'node:os';
/** Settings of an engine process, validated at boot. */
export interface EngineConfig {
  host: string;
  port: number;
  engineId: string;
  /** Where the server reaches this engine's command API; announced to the server's registry. */
  publicUrl: string;
  serverUrl: string;
  engineSecret: string;
  logLevel: string;
  /** LocalAuth profiles live under this directory, one `session-<id>` folder per session. */
  dataDir: string;
  chromiumPath: string;
  /** How long a session may wait for a QR scan (or pairing code) before it stops. */
  qrWindowMs: number;
  maxSessions: number;
  /**
   * Clients starting at once (Chromium launch to first QR or ready); the rest wait in line.
   * Default: two per CPU, since a start waits on the page and the library about half its time.
   */
  startConcurrency: number;
  /**
   * Clients kept started and waiting at their first QR, so a new session shows a QR at once.
   * Each holds a Chromium (~150 MiB PSS) and counts toward `maxSessions`; 0 turns the pool off.
   */
  warmPool: number;
  /** How long `client.destroy()` may take before the browser process is killed. */
  destroyTimeoutMs: number;
  bodyLimitBytes: number;
  /** Reconnects after a lost connection wait this long, doubling each time up to the cap. */
  reconnect: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  /** How long a session lease at the server lasts without renewal (renewed every third of it). */
  leaseTtlMs: number;
  /** How often the engine asks the server for sessions without an owner; 0 turns adoption off. */
  claimIntervalMs: number;
  /** How often a connected session's login is saved to the server (also after linking and at shutdown). */
  authSaveIntervalMs: number;
  /**
   * A second save this long after a session connects: Chromium writes a fresh login to disk
   * with a delay, so the save at the moment of linking may miss part of it.
   */
  authSettleMs: number;
  /** How often connected sessions are probed for life; 0 turns the watchdog off. */
  watchdogIntervalMs: number;
  /** How long a probe may wait for the page before the session counts as dead. */
  watchdogTimeoutMs: number;
  /** A session whose Chromium grows past this (PSS, MiB) is recycled; 0 means no limit. */
  sessionMemoryLimitMb: number;
  callbacks: {
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    timeoutMs: number;
    /** Undelivered events kept in memory across all sessions; the oldest go first when full. */
    outboxLimit: number;
  };
}

export class EngineConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadEngineConfig(env: Env): EngineConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const port = int('ENGINE_PORT', 3100, 1, 65535);
  const engineSecret = env.ENGINE_SECRET ?? '';
  if (engineSecret.length < 32)
    problems.push('ENGINE_SECRET must be set to at least 32 characters');
  const serverUrl = env.SERVER_URL ?? 'http://127.0.0.1:3000';
  if (!/^https?:\/\//.test(serverUrl))
    problems.push(`SERVER_URL must be an http(s) URL (got "${serverUrl}")`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    problems.push(`LOG_LEVEL is not a log level (got "${logLevel}")`);
  const engineId = env.ENGINE_ID ?? `engine-${process.pid}`;
  if (!/^[\w.-]{1,64}$/.test(engineId))
    problems.push(`ENGINE_ID may only hold letters, digits, "_", "." and "-" (got "${engineId}")`);

  const host = env.ENGINE_HOST ?? '127.0.0.1';
  const publicUrl = env.ENGINE_PUBLIC_URL || defaultPublicUrl(host, port);
  if (!/^https?:\/\/[^/]+/.test(publicUrl))
    problems.push(`ENGINE_PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);

  const config: EngineConfig = {
    host,
    port,
    engineId,
    publicUrl: publicUrl.replace(/\/$/, ''),
    serverUrl: serverUrl.replace(/\/$/, ''),
    engineSecret,
    logLevel,
    dataDir: env.ENGINE_DATA_DIR || './var/engine',
    chromiumPath: env.ENGINE_CHROMIUM_PATH || '/usr/bin/chromium',
    qrWindowMs: int('ENGINE_QR_WINDOW_MS', 300_000, 1_000),
    maxSessions: int('ENGINE_MAX_SESSIONS', 50, 1, 10_000),
    startConcurrency: int('ENGINE_START_CONCURRENCY', defaultStartConcurrency(), 1, 64),
    warmPool: int('ENGINE_WARM_POOL', 0, 0, 64),
    destroyTimeoutMs: int('ENGINE_DESTROY_TIMEOUT_MS', 30_000, 100),
    bodyLimitBytes: int('ENGINE_BODY_LIMIT_BYTES', 32 * 1024 * 1024, 1024),
    reconnect: {
      baseDelayMs: int('ENGINE_RECONNECT_BASE_MS', 5_000, 100),
      maxDelayMs: int('ENGINE_RECONNECT_MAX_DELAY_MS', 80_000, 100),
      maxAttempts: int('ENGINE_RECONNECT_MAX_ATTEMPTS', 10, 1, 1_000),
    },
    leaseTtlMs: int('ENGINE_LEASE_TTL_MS', 30_000, 5_000, 600_000),
    claimIntervalMs: int('ENGINE_CLAIM_INTERVAL_MS', 10_000, 0),
    authSaveIntervalMs: int('ENGINE_AUTH_SAVE_INTERVAL_MS', 900_000, 1_000),
    authSettleMs: int('ENGINE_AUTH_SETTLE_MS', 10_000, 0),
    watchdogIntervalMs: int('ENGINE_WATCHDOG_INTERVAL_MS', 30_000, 0),
    watchdogTimeoutMs: int('ENGINE_WATCHDOG_TIMEOUT_MS', 10_000, 100),
    sessionMemoryLimitMb: int('ENGINE_SESSION_MEMORY_LIMIT_MB', 1_536, 0),
    callbacks: {
      maxAttempts: int('ENGINE_CALLBACK_MAX_ATTEMPTS', 10, 1, 1_000),
      retryBaseMs: int('ENGINE_CALLBACK_RETRY_BASE_MS', 500, 1),
      retryMaxMs: int('ENGINE_CALLBACK_RETRY_MAX_MS', 30_000, 1),
      timeoutMs: int('ENGINE_CALLBACK_TIMEOUT_MS', 10_000, 100),
      outboxLimit: int('ENGINE_OUTBOX_LIMIT', 10_000, 10),
    },
  };
  if (problems.length)
    throw new EngineConfigError(
      `Invalid engine configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  return config;
}

/**
 * `http://<ENGINE_HOST>:<ENGINE_PORT>`; an engine listening on every address is announced under
 * its host name, since a wildcard address reaches nothing from another machine.
 */
function defaultPublicUrl(host: string, port: number): string {
  const name = ['0.0.0.0', '::', ''].includes(host) ? hostname() : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/**
 * Two starts per CPU (at least 2, at most 16): one start keeps a core busy only about half of its
 * time (page loads, the library polling the page), so one per CPU left the cores half idle while
 * dozens of sessions came back after a restart.
 */
export function defaultStartConcurrency(cpus = availableParallelism()): number {
  return Math.min(16, Math.max(2, 2 * cpus));
}
