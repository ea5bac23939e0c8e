import { freeLoopbackPort } from '@switchboard/testing';
import { startTestApp, type TestApp } from './test-app';

describe('health, docs and the admin shell', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('says the engine is down, and the server degraded, when its engine does not answer', async () => {
    const port = await freeLoopbackPort();
    const alone = await startTestApp({ ENGINE_URL: `http://127.0.0.1:${port}` });
    try {
      const res = await alone.http().get('/api/health').expect(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.checks.engine).toMatchObject({ status: 'down' });
      expect(res.body.checks.engine.error).toEqual(expect.any(String));
    } finally {
      await alone.close();
    }
  });

  it('reports the database and drivers in /api/health without a login', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.database).toMatchObject({
      status: 'up',
      driver: t.db.kind === 'mysql' ? 'mysql' : 'better-sqlite3',
    });
    if (process.env.TEST_REDIS_URL) expect(res.body.checks.redis).toMatchObject({ status: 'up' });
    else expect(res.body.checks.redis).toBeUndefined();
    // No ENGINE_URL and no local engine under test: nothing to report.
    expect(res.body.checks.engine).toBeUndefined();
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/contacts', '/api/health']),
    );
  });

  it('serves the admin SPA at / with history-mode fallback, but never for the API', async () => {
    const root = await t.http().get('/').set('accept', 'text/html').expect(200);
    expect(root.text).toContain('<div id="app"');
    const deep = await t.http().get('/members').set('accept', 'text/html').expect(200);
    expect(deep.text).toBe(root.text);
    const api = await t.http().get('/api/unknown').set('accept', 'text/html').expect(404);
    expect(api.body.error.code).toBe('NOT_FOUND');
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await t.http().get('/api/health').set('x-request-id', 'trace-123');
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await t.http().get('/api/health').set('x-request-id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
