import { hostname } from 'node:os';
import { defaultStartConcurrency, EngineConfigError, loadEngineConfig } from './engine-config';

const SECRET = 's'.repeat(32);

describe('loadEngineConfig', () => {
  it('fills the session host defaults', () => {
    expect(loadEngineConfig({ ENGINE_SECRET: SECRET })).toMatchObject({
      dataDir: './var/engine',
      chromiumPath: '/usr/bin/chromium',
      qrWindowMs: 300_000,
      maxSessions: 50,
      warmPool: 0,
    });
    expect(loadEngineConfig({ ENGINE_SECRET: SECRET, ENGINE_WARM_POOL: '2' }).warmPool).toBe(2);
    expect(() => loadEngineConfig({ ENGINE_SECRET: SECRET, ENGINE_WARM_POOL: '-1' })).toThrow(
      /ENGINE_WARM_POOL/,
    );
  });

  it('starts two clients per CPU at once unless told otherwise', () => {
    expect([1, 2, 4, 8, 32].map((cpus) => defaultStartConcurrency(cpus))).toEqual([
      2, 4, 8, 16, 16,
    ]);
    expect(loadEngineConfig({ ENGINE_SECRET: SECRET }).startConcurrency).toBe(
      defaultStartConcurrency(),
    );
    expect(
      loadEngineConfig({ ENGINE_SECRET: SECRET, ENGINE_START_CONCURRENCY: '3' }).startConcurrency,
    ).toBe(3);
  });

  it('announces the address the server reaches it at', () => {
    const load = (env: Record<string, string>) =>
      loadEngineConfig({ ENGINE_SECRET: SECRET, ...env }).publicUrl;
    expect(load({})).toBe('http://127.0.0.1:3100');
    expect(load({ ENGINE_HOST: '10.0.0.7', ENGINE_PORT: '3200' })).toBe('http://10.0.0.7:3200');
    expect(load({ ENGINE_HOST: '0.0.0.0' })).toBe(`http://${hostname()}:3100`);
    expect(load({ ENGINE_PUBLIC_URL: 'http://engine-b:3100/' })).toBe('http://engine-b:3100');
    expect(() => load({ ENGINE_PUBLIC_URL: 'engine-b:3100' })).toThrow(/ENGINE_PUBLIC_URL/);
  });

  it('names every bad variable at once', () => {
    const load = () =>
      loadEngineConfig({
        ENGINE_SECRET: SECRET,
        ENGINE_QR_WINDOW_MS: 'soon',
        ENGINE_MAX_SESSIONS: '0',
        ENGINE_CALLBACK_MAX_ATTEMPTS: '-1',
      });
    expect(load).toThrow(EngineConfigError);
    expect(load).toThrow(
      /ENGINE_QR_WINDOW_MS[\s\S]*ENGINE_MAX_SESSIONS[\s\S]*ENGINE_CALLBACK_MAX_ATTEMPTS/,
    );
  });
});
