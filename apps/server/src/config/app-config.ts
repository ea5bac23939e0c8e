import { parseEncryptionKey } from '@switchboard/contracts/node';
import { DatabaseUrlError, parseDatabaseUrl, type DatabaseTarget } from '../database/database-url';
import {
  GRAPH_VERSION_PATTERN,
  type MetaGraphOptions,
} from '../whatsapp/meta-cloud/meta-graph.client';

/** Every setting of the server, built and validated once at boot. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: DatabaseTarget;
  migrateOnBoot: boolean;
  redisUrl: string | null;
  queuePrefix: string;
  encryptionKey: Buffer;
  previousEncryptionKeys: Buffer[];
  engineSecret: string;
  engineUrl: string | null;
  enginePort: number;
  /** Whether this server runs its own engine process (when no ENGINE_URL is set). */
  localEngine: boolean;
  authSessionTtlHours: number;
  loginMaxAttempts: number;
  loginWindowSeconds: number;
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  adminEmail: string;
  adminPassword: string | null;
  adminDistDir: string;
  /** Meta's Graph API: `META_GRAPH_URL` (a stand-in in tests), `META_GRAPH_VERSION`. */
  metaGraph: MetaGraphOptions;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Env, defaults: { adminDistDir: string }): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.oneOf(
    'NODE_ENV',
    ['development', 'production', 'test'] as const,
    'development',
  );
  const port = read.port('PORT', 3000);
  const dataDir = read.string('DATA_DIR', './var');
  const databaseUrl = read.string('DATABASE_URL', `sqlite:${dataDir}/switchboard.sqlite`);
  let database: DatabaseTarget = { kind: 'sqlite', location: ':memory:' };
  try {
    database = parseDatabaseUrl(databaseUrl);
  } catch (error) {
    problems.push(
      `DATABASE_URL ${error instanceof DatabaseUrlError ? error.message : 'is invalid'}`,
    );
  }
  const redisUrl = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']);
  const encryptionKey = read.key('ENCRYPTION_KEY');
  const previousEncryptionKeys = (env.ENCRYPTION_PREVIOUS_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .flatMap((k, i) => {
      try {
        return [parseEncryptionKey(k)];
      } catch (error) {
        problems.push(`ENCRYPTION_PREVIOUS_KEYS item ${i + 1} ${(error as Error).message}`);
        return [];
      }
    });
  const engineSecret = read.string('ENGINE_SECRET', '');
  if (engineSecret.length < 32)
    problems.push('ENGINE_SECRET must be set to at least 32 characters');

  const engineUrl = read.optionalUrl('ENGINE_URL', ['http:', 'https:']);

  const config: AppConfig = {
    env: nodeEnv,
    host: read.string('HOST', '127.0.0.1'),
    port,
    publicUrl: read.string('PUBLIC_URL', `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir,
    database,
    migrateOnBoot: read.boolean('MIGRATE_ON_BOOT', true),
    redisUrl,
    queuePrefix: read.string('QUEUE_PREFIX', 'switchboard'),
    encryptionKey: encryptionKey ?? Buffer.alloc(32),
    previousEncryptionKeys,
    engineSecret,
    engineUrl,
    enginePort: read.port('ENGINE_PORT', 3100),
    localEngine: engineUrl === null && read.boolean('LOCAL_ENGINE', nodeEnv !== 'test'),
    authSessionTtlHours: read.integer('AUTH_SESSION_TTL_HOURS', 168, 1, 24 * 365),
    loginMaxAttempts: read.integer('LOGIN_MAX_ATTEMPTS', 10, 1, 1000),
    loginWindowSeconds: read.integer('LOGIN_WINDOW_SECONDS', 300, 1, 86400),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    trustProxy: read.boolean('TRUST_PROXY', false),
    adminEmail: read.email('ADMIN_EMAIL', 'admin@switchboard.local'),
    adminPassword: env.ADMIN_PASSWORD ? env.ADMIN_PASSWORD : null,
    adminDistDir: read.string('ADMIN_DIST_DIR', defaults.adminDistDir),
    metaGraph: {
      baseUrl:
        read.optionalUrl('META_GRAPH_URL', ['http:', 'https:']) ?? 'https://graph.facebook.com',
      defaultVersion: read.matching(
        'META_GRAPH_VERSION',
        GRAPH_VERSION_PATTERN,
        'v21.0',
        'must look like v21.0',
      ),
      timeoutMs: read.integer('META_GRAPH_TIMEOUT_MS', 10_000, 1_000, 120_000),
    },
  };
  if (config.adminPassword !== null && config.adminPassword.length < 8) {
    problems.push('ADMIN_PASSWORD must be at least 8 characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 1, 65535);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  matching(name: string, pattern: RegExp, fallback: string, rule: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (pattern.test(value)) return value;
    this.problems.push(`${name} ${rule} (got "${value}")`);
    return fallback;
  }

  optionalUrl(name: string, protocols: string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      return value.replace(/\/$/, '');
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')}// URL (got "${value}")`);
      return null;
    }
  }

  email(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) this.problems.push(`${name} must be an email address`);
    return value.toLowerCase();
  }

  key(name: string): Buffer | null {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name} must be set (32 bytes as 64 hex characters or base64)`);
      return null;
    }
    try {
      return parseEncryptionKey(value);
    } catch (error) {
      this.problems.push(`${name} ${(error as Error).message}`);
      return null;
    }
  }
}
