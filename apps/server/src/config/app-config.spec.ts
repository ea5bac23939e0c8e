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
