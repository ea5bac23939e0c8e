import type { ContactView, MemberView, WorkspaceView } from '@switchboard/contracts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

/**
 * Two workspaces, each with its own owner and agent. Nobody may see or touch the other
 * workspace's resources, and an agent may not do what only an owner may.
 */
describe('tenancy and roles', () => {
  let t: TestApp;
  let adminToken: string;
  let workspaceA: WorkspaceView;
  let workspaceB: WorkspaceView;
  const tokens: Record<'ownerA' | 'agentA' | 'ownerB', string> = {
    ownerA: '',
    agentA: '',
    ownerB: '',
  };
  let contactB: ContactView;
  let memberB: MemberView;

  const as = (token: string, workspace?: WorkspaceView) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (workspace) headers['x-workspace-id'] = String(workspace.id);
    return headers;
  };

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    workspaceA = (
      await t.http().post('/api/workspaces').set(as(adminToken)).send({ name: 'Acme' }).expect(201)
    ).body;
    workspaceB = (
      await t.http().post('/api/workspaces').set(as(adminToken)).send({ name: 'Beta' }).expect(201)
    ).body;
    const add = (ws: WorkspaceView, email: string, role: string) =>
      t
        .http()
        .post('/api/members')
        .set(as(adminToken, ws))
        .send({ email, role, first_name: email.split('@')[0], password: 'member-password' })
        .expect(201);
    await add(workspaceA, 'owner-a@example.com', 'owner');
    await add(workspaceA, 'agent-a@example.com', 'agent');
    await add(workspaceB, 'owner-b@example.com', 'owner');
    tokens.ownerA = await loginToken(t, 'owner-a@example.com', 'member-password');
    tokens.agentA = await loginToken(t, 'agent-a@example.com', 'member-password');
    tokens.ownerB = await loginToken(t, 'owner-b@example.com', 'member-password');
    contactB = (
      await t
        .http()
        .post('/api/contacts')
        .set(as(tokens.ownerB))
        .send({ first_name: 'Budi', phone: '+62 812-3456-7890' })
        .expect(201)
    ).body;
    memberB = (await t.http().get('/api/members').set(as(tokens.ownerB)).expect(200)).body.find(
      (m: MemberView) => m.email === 'owner-b@example.com',
    );
  });

  afterAll(() => t.close());

  it('answers 401 without a login on every protected route', async () => {
    for (const [method, path] of [
      ['get', '/api/auth/me'],
      ['get', '/api/workspaces'],
      ['get', '/api/workspaces/current'],
      ['get', '/api/members'],
      ['get', '/api/contacts'],
      ['get', `/api/contacts/${contactB.uuid}`],
      ['post', '/api/contacts'],
      ['get', '/api/admin/workspaces'],
    ] as const) {
      const res = await t.http()[method](path).send({});
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
  });

  it('rejects a forged or revoked token', async () => {
    await t.http().get('/api/auth/me').set({ authorization: 'Bearer forged' }).expect(401);
    const token = await loginToken(t, 'agent-a@example.com', 'member-password');
    await t.http().post('/api/auth/logout').set(as(token)).expect(204);
    await t.http().get('/api/auth/me').set(as(token)).expect(401);
  });

  it('lists only the workspaces the user belongs to', async () => {
    const me = (await t.http().get('/api/auth/me').set(as(tokens.ownerA)).expect(200)).body;
    expect(me.workspaces.map((w: { name: string }) => w.name)).toEqual(['Acme']);
    expect(me.user.is_platform_admin).toBe(false);
  });

  it('answers 404 for every resource of another workspace, as if it did not exist', async () => {
    const checks: Array<[string, () => Promise<{ status: number }>]> = [
      [
        'contact by uuid',
        () => t.http().get(`/api/contacts/${contactB.uuid}`).set(as(tokens.ownerA)),
      ],
      [
        'contact update',
        () =>
          t
            .http()
            .patch(`/api/contacts/${contactB.uuid}`)
            .set(as(tokens.ownerA))
            .send({ first_name: 'x' }),
      ],
      [
        'contact delete',
        () => t.http().delete(`/api/contacts/${contactB.uuid}`).set(as(tokens.ownerA)),
      ],
      [
        'member role',
        () =>
          t
            .http()
            .patch(`/api/members/${memberB.uuid}`)
            .set(as(tokens.ownerA))
            .send({ role: 'agent' }),
      ],
      [
        'member delete',
        () => t.http().delete(`/api/members/${memberB.uuid}`).set(as(tokens.ownerA)),
      ],
      [
        'workspace header',
        () => t.http().get('/api/workspaces/current').set(as(tokens.ownerA, workspaceB)),
      ],
      [
        'contacts of B by header',
        () => t.http().get('/api/contacts').set(as(tokens.ownerA, workspaceB)),
      ],
      [
        'members of B by header',
        () => t.http().get('/api/members').set(as(tokens.ownerA, workspaceB)),
      ],
      [
        'switch to B',
        () =>
          t
            .http()
            .put('/api/auth/workspace')
            .set(as(tokens.ownerA))
            .send({ workspace_id: workspaceB.id }),
      ],
    ];
    for (const [label, call] of checks) {
      expect({ label, status: (await call()).status }).toEqual({ label, status: 404 });
    }
    // And nothing of B changed.
    const still = (
      await t.http().get(`/api/contacts/${contactB.uuid}`).set(as(tokens.ownerB)).expect(200)
    ).body;
    expect(still.first_name).toBe('Budi');
    const members = (await t.http().get('/api/members').set(as(tokens.ownerB)).expect(200)).body;
    expect(members.find((m: MemberView) => m.uuid === memberB.uuid).role).toBe('owner');
  });

  it('keeps lists scoped: A never sees B’s contacts', async () => {
    await t
      .http()
      .post('/api/contacts')
      .set(as(tokens.agentA))
      .send({ first_name: 'Ani', phone: '+6281111111111' })
      .expect(201);
    const listA = (await t.http().get('/api/contacts').set(as(tokens.ownerA)).expect(200)).body;
    expect(listA.data.map((c: ContactView) => c.first_name)).toEqual(['Ani']);
    const search = (await t.http().get('/api/contacts?q=Budi').set(as(tokens.ownerA)).expect(200))
      .body;
    expect(search.data).toEqual([]);
  });

  it('lets an agent read and add contacts but not do what only an owner or manager may', async () => {
    await t.http().get('/api/members').set(as(tokens.agentA)).expect(200);
    const forbidden: Array<
      [string, () => Promise<{ status: number; body: { error?: { code: string } } }>]
    > = [
      [
        'add member',
        () =>
          t
            .http()
            .post('/api/members')
            .set(as(tokens.agentA))
            .send({ email: 'owner-a@example.com', role: 'agent' }),
      ],
      [
        'rename workspace',
        () =>
          t.http().patch('/api/workspaces/current').set(as(tokens.agentA)).send({ name: 'Mine' }),
      ],
      ['platform admin list', () => t.http().get('/api/admin/workspaces').set(as(tokens.agentA))],
    ];
    for (const [label, call] of forbidden) {
      const res = await call();
      expect({ label, status: res.status, code: res.body.error?.code }).toEqual({
        label,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    const contact = (await t.http().get('/api/contacts').set(as(tokens.agentA)).expect(200)).body
      .data[0];
    await t.http().delete(`/api/contacts/${contact.uuid}`).set(as(tokens.agentA)).expect(403);
    const ws = (await t.http().get('/api/workspaces/current').set(as(tokens.agentA)).expect(200))
      .body;
    expect(ws.name).toBe('Acme');
  });

  it('lets the owner manage members but never remove the last owner', async () => {
    const members: MemberView[] = (
      await t.http().get('/api/members').set(as(tokens.ownerA)).expect(200)
    ).body;
    const agent = members.find((m) => m.email === 'agent-a@example.com')!;
    const promoted = (
      await t
        .http()
        .patch(`/api/members/${agent.uuid}`)
        .set(as(tokens.ownerA))
        .send({ role: 'manager' })
        .expect(200)
    ).body;
    expect(promoted.role).toBe('manager');
    const ownerOfB = (await t.http().get('/api/members').set(as(tokens.ownerB)).expect(200))
      .body as MemberView[];
    const admin = ownerOfB.find((m) => m.email === ADMIN_EMAIL)!;
    await t.http().get('/api/members').set(as(adminToken, workspaceB)).expect(200);
    await t.http().delete(`/api/members/${admin.uuid}`).set(as(tokens.ownerB)).expect(204);
    // A removed member no longer reaches the workspace, as if it did not exist.
    await t.http().get('/api/members').set(as(adminToken, workspaceB)).expect(404);
    const res = await t
      .http()
      .patch(`/api/members/${memberB.uuid}`)
      .set(as(tokens.ownerB))
      .send({ role: 'agent' })
      .expect(409);
    expect(res.body.error.message).toMatch(/at least one owner/);
  });

  it('lets platform admins list every workspace', async () => {
    const all = (await t.http().get('/api/admin/workspaces').set(as(adminToken)).expect(200))
      .body as WorkspaceView[];
    expect(all.map((w) => w.name)).toEqual(
      expect.arrayContaining(['Acme', 'Beta', 'My workspace']),
    );
  });
});
