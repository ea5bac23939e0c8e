import { SESSION_COOKIE } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from './test-app';

describe('login, sessions and first run', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_ATTEMPTS: '5', LOGIN_WINDOW_SECONDS: '60' });
  });
  afterAll(() => t.close());

  const loginAsAdmin = () =>
    t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);

  it('created the first platform admin and their workspace on the empty database', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);
    expect(res.body.user).toMatchObject({ email: ADMIN_EMAIL, is_platform_admin: true });
    expect(res.body.workspaces).toEqual([
      expect.objectContaining({ name: 'My workspace', role: 'owner' }),
    ]);
    expect(res.body.current_workspace_id).toBe(res.body.workspaces[0].id);
  });

  it('sets an httpOnly session cookie that authenticates the browser, and logout ends it', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN_EMAIL.toUpperCase(), password: ADMIN_PASSWORD })
      .expect(200);
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const pair = cookie.split(';')[0]!;
    await t.http().get('/api/auth/me').set('cookie', pair).expect(200);
    await t.http().post('/api/auth/logout').set('cookie', pair).expect(204);
    await t.http().get('/api/auth/me').set('cookie', pair).expect(401);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ email: ADMIN_EMAIL, password: 'nope-nope' });
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'ghost@example.com', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rate-limits repeated attempts on one account with 429', async () => {
    const attempt = () =>
      t
        .http()
        .post('/api/auth/login')
        .send({ email: 'victim@example.com', password: 'guess-guess' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const res = await attempt();
    expect(res.body.error.code).toBe('TOO_MANY_REQUESTS');
  });

  it('switches the current workspace only to one the user belongs to', async () => {
    const login = await loginAsAdmin();
    const auth = { authorization: `Bearer ${login.body.token}` };
    const second = (
      await t.http().post('/api/workspaces').set(auth).send({ name: 'Second' }).expect(201)
    ).body;
    const switched = (
      await t
        .http()
        .put('/api/auth/workspace')
        .set(auth)
        .send({ workspace_id: second.id })
        .expect(200)
    ).body;
    expect(switched.current_workspace_id).toBe(second.id);
    const current = (await t.http().get('/api/workspaces/current').set(auth).expect(200)).body;
    expect(current.name).toBe('Second');
    await t.http().put('/api/auth/workspace').set(auth).send({ workspace_id: 999999 }).expect(404);
  });

  it('stops honouring the logins of a user who is suspended or deleted', async () => {
    const login = await loginAsAdmin();
    const auth = { authorization: `Bearer ${login.body.token}` };
    const users = t.app.get(DataSource);
    const setUser = (sql: string) =>
      users.query(`UPDATE users SET ${sql} WHERE email = ?`, [ADMIN_EMAIL]);
    await t.http().get('/api/auth/me').set(auth).expect(200);
    try {
      await setUser('status = 0');
      await t.http().get('/api/auth/me').set(auth).expect(401);
      await setUser('status = 1');
      await t.http().get('/api/auth/me').set(auth).expect(200);
      await setUser("deleted_at = '2026-01-01 00:00:00'");
      await t.http().get('/api/auth/me').set(auth).expect(401);
    } finally {
      await setUser('status = 1, deleted_at = NULL');
    }
    await t.http().get('/api/auth/me').set(auth).expect(200);
  });
});
