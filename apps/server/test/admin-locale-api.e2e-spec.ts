import { WORKSPACE_HEADER, type SessionView, type WorkspaceView } from '@switchboard/contracts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

describe('the signed-in user’s language (PATCH /api/auth/me)', () => {
  let t: TestApp;
  let adminToken: string;
  let agentToken: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const me = async (token: string): Promise<SessionView> =>
    (await t.http().get('/api/auth/me').set(bearer(token)).expect(200)).body as SessionView;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    const workspace = (
      await t
        .http()
        .post('/api/workspaces')
        .set(bearer(adminToken))
        .send({ name: 'Toko' })
        .expect(201)
    ).body as WorkspaceView;
    await t
      .http()
      .post('/api/members')
      .set({ ...bearer(adminToken), [WORKSPACE_HEADER]: String(workspace.id) })
      .send({
        email: 'agent@example.com',
        role: 'agent',
        first_name: 'Ani',
        password: 'agent-pass-1',
      })
      .expect(201);
    agentToken = await loginToken(t, 'agent@example.com', 'agent-pass-1');
  });
  afterAll(() => t.close());

  it('has no language for a user who never chose one', async () => {
    expect((await me(agentToken)).user.locale).toBeNull();
  });

  it('keeps the choice on the user: in the answer, in /me, and at the next sign-in', async () => {
    const res = await t
      .http()
      .patch('/api/auth/me')
      .set(bearer(agentToken))
      .send({ locale: 'id' })
      .expect(200);
    expect((res.body as SessionView).user).toMatchObject({
      email: 'agent@example.com',
      locale: 'id',
    });
    expect((await me(agentToken)).user.locale).toBe('id');

    const again = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'agent@example.com', password: 'agent-pass-1' })
      .expect(200);
    expect((again.body as SessionView).user.locale).toBe('id');
  });

  it('leaves every other user’s language alone', async () => {
    await t.http().patch('/api/auth/me').set(bearer(adminToken)).send({ locale: 'en' }).expect(200);
    await t.http().patch('/api/auth/me').set(bearer(agentToken)).send({ locale: 'id' }).expect(200);

    expect((await me(adminToken)).user.locale).toBe('en');
    expect((await me(agentToken)).user.locale).toBe('id');
  });

  it.each([['fr'], ['ID'], [''], [42], [['en']]])(
    'rejects %j with 400 naming the field, and keeps the language',
    async (locale) => {
      const res = await t
        .http()
        .patch('/api/auth/me')
        .set(bearer(agentToken))
        .send({ locale })
        .expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'locale' })]);
      expect((await me(agentToken)).user.locale).toBe('id');
    },
  );

  it('rejects a field of someone else’s profile, such as an email or a user id', async () => {
    const res = await t
      .http()
      .patch('/api/auth/me')
      .set(bearer(agentToken))
      .send({ locale: 'en', user_id: 1 })
      .expect(400);
    expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'user_id' })]);
    expect((await me(agentToken)).user.locale).toBe('id');
    expect((await me(adminToken)).user.locale).toBe('en');
  });

  it('needs a signed-in user', async () => {
    await t.http().patch('/api/auth/me').send({ locale: 'id' }).expect(401);
  });
});
