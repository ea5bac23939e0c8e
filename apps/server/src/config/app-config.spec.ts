import { ConfigError, loadConfig } from './app-config';

const valid = {
  ENCRYPTION_KEY: 'a'.repeat(64),
  ENGINE_SECRET: 'e'.repeat(40),
};
const load = (env: Record<string, string>) =>
  loadConfig({ ...valid, ...env }, { adminDistDir: '/tmp/admin' });

describe('loadConfig', () => {
  it('defaults to the embedded SQLite file under ./var and no Redis', () => {
    const config = load({});
    expect(config.database.kind).toBe('sqlite');
    expect(config.database.location).toMatch(/var\/switchboard\.sqlite$/);
    expect(config.redisUrl).toBeNull();
    expect(config.port).toBe(3000);
  });

  it('selects MariaDB and Redis from their URLs', () => {
    const config = load({
      DATABASE_URL: 'mariadb://u:p@db:3306/blazz',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.database).toEqual({ kind: 'mysql', location: 'mysql://u:p@db:3306/blazz' });
    expect(config.redisUrl).toBe('redis://cache:6379');
  });

  it("points at Meta's Graph API unless told otherwise, and checks the version", () => {
    expect(load({}).metaGraph).toEqual({
      baseUrl: 'https://graph.facebook.com',
      defaultVersion: 'v21.0',
      timeoutMs: 10_000,
    });
    expect(
      load({ META_GRAPH_URL: 'http://127.0.0.1:4010/', META_GRAPH_VERSION: 'v23.0' }).metaGraph,
    ).toMatchObject({ baseUrl: 'http://127.0.0.1:4010', defaultVersion: 'v23.0' });
    expect(() => load({ META_GRAPH_URL: 'ftp://graph' })).toThrow(/META_GRAPH_URL/);
    expect(() => load({ META_GRAPH_VERSION: '21' })).toThrow(
      /META_GRAPH_VERSION must look like v21.0/,
    );
  });

  it('stops with one error that names every bad variable', () => {
    let caught: unknown;
    try {
      loadConfig(
        {
          PORT: 'eighty',
          DATABASE_URL: 'postgres://x/y',
          REDIS_URL: 'http://x',
          ENGINE_SECRET: 'short',
          LOG_LEVEL: 'loud',
        },
        { adminDistDir: '/tmp' },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'REDIS_URL',
      'ENCRYPTION_KEY',
      'ENGINE_SECRET',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('rejects a malformed encryption key', () => {
    expect(() => load({ ENCRYPTION_KEY: 'not-a-key' })).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
  });
});
