import {
  echoChannelName,
  platformChannel,
  RealtimeEvent,
  SESSION_STATUSES,
  type PlanUpdatedPayload,
  type PlatformHealthView,
  type PlatformSessionView,
  type SubscriptionPlanView,
  type WorkspaceView,
} from '@switchboard/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EngineRegistry } from '../src/engine-link/engine-registry.service';
import { Chat } from '../src/messaging/chat.entity';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import {
  connectEcho,
  connected,
  disconnectAllEchoClients,
  joined,
  listenOnLoopback,
  nextEvent,
  subscriptionError,
} from './realtime-test-kit';
import { subscribeToPlan } from './sessions-test-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

/**
 * The platform admin API (`/api/admin/*`): plans and their WhatsApp-number limit, every number of
 * every workspace, platform health, and the platform channel. Platform admins only.
 */
describe('platform admin API', () => {
  let t: TestApp;
  let url: string;
  let adminToken: string;
  let ownerToken: string;
  let acme: WorkspaceView;
  let beta: WorkspaceView;

  const as = (token: string, workspace?: WorkspaceView) => ({
    authorization: `Bearer ${token}`,
    ...(workspace ? { 'x-workspace-id': String(workspace.id) } : {}),
  });

  async function planOf(workspace: WorkspaceView): Promise<SubscriptionPlanView> {
    const res = await t.http().get('/api/admin/plans').set(as(adminToken)).expect(200);
    const plans = res.body as SubscriptionPlanView[];
    const limits = await t
      .http()
      .get('/api/sessions/limits')
      .set(as(adminToken, workspace))
      .expect(200);
    const plan = plans.find((p) => p.max_whatsapp_numbers === limits.body.max_allowed);
    return plan!;
  }

  async function insertSession(
    workspace: WorkspaceView,
    values: Partial<WhatsappSession>,
  ): Promise<WhatsappSession> {
    const repo = t.app.get(DataSource).getRepository(WhatsappSession);
    return repo.save(
      repo.create({
        uuid: randomUUID(),
        workspaceId: workspace.id,
        sessionId: `wa-${randomUUID()}`,
        providerType: 'webjs',
        status: 'connected',
        isActive: true,
        ...values,
      }),
    );
  }

  beforeAll(async () => {
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    adminToken = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    const workspace = async (name: string): Promise<WorkspaceView> =>
      (await t.http().post('/api/workspaces').set(as(adminToken)).send({ name }).expect(201))
        .body as WorkspaceView;
    acme = await workspace('Acme');
    beta = await workspace('Beta');
    await subscribeToPlan(t, acme.id, 3);
    await subscribeToPlan(t, beta.id, 7);
    await t
      .http()
      .post('/api/members')
      .set(as(adminToken, acme))
      .send({
        email: 'owner@acme.test',
        role: 'owner',
        first_name: 'Olga',
        password: 'member-password',
      })
      .expect(201);
    ownerToken = await loginToken(t, 'owner@acme.test', 'member-password');
  });
  afterEach(() => disconnectAllEchoClients());
  afterAll(() => t.close());

  it('refuses every platform endpoint to a workspace owner who is no platform admin', async () => {
    const owner = as(ownerToken, acme);
    const calls: Array<
      [string, () => Promise<{ status: number; body: { error?: { code?: string } } }>]
    > = [
      ['GET plans', () => t.http().get('/api/admin/plans').set(owner)],
      [
        'PATCH plan',
        () => t.http().patch('/api/admin/plans/1').set(owner).send({ max_whatsapp_numbers: 50 }),
      ],
      ['GET sessions', () => t.http().get('/api/admin/sessions').set(owner)],
      ['GET health', () => t.http().get('/api/admin/health').set(owner)],
      ['GET broadcast', () => t.http().get('/api/admin/settings/broadcast').set(owner)],
      [
        'PUT broadcast',
        () => t.http().put('/api/admin/settings/broadcast').set(owner).send({ driver: 'socketio' }),
      ],
      [
        'POST broadcast test',
        () =>
          t
            .http()
            .post('/api/admin/settings/broadcast/test')
            .set(owner)
            .send({ driver: 'socketio' }),
      ],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({
        name,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    await t.http().get('/api/admin/plans').expect(401);
  });

  it('lists plans with their WhatsApp-number limit and how many workspaces are on each', async () => {
    const res = await t.http().get('/api/admin/plans').set(as(adminToken)).expect(200);
    const plans = res.body as SubscriptionPlanView[];
    expect(plans.map((p) => [p.name, p.max_whatsapp_numbers, p.workspaces_count])).toEqual(
      expect.arrayContaining([
        ['Plan 3', 3, 1],
        ['Plan 7', 7, 1],
      ]),
    );
    expect(plans[0]).toMatchObject({ price: '10.00', period: 'monthly', status: 'active' });
  });

  it('changes a plan limit, which the workspace on it gets at once, and tells open pages', async () => {
    const plan = await planOf(acme);
    const echo = connectEcho(url, { token: adminToken });
    await connected(echo);
    const channel = echo.private(echoChannelName(platformChannel()));
    const heard = nextEvent<PlanUpdatedPayload>(channel, `.${RealtimeEvent.PLAN_UPDATED}`);
    await joined(t.app.get(EchoGateway), echo, platformChannel());

    const res = await t
      .http()
      .patch(`/api/admin/plans/${plan.id}`)
      .set(as(adminToken))
      .send({ max_whatsapp_numbers: 12 })
      .expect(200);
    expect(res.body).toMatchObject({ id: plan.id, max_whatsapp_numbers: 12 });
    expect((await heard).plan).toMatchObject({ id: plan.id, max_whatsapp_numbers: 12 });

    const limits = await t.http().get('/api/sessions/limits').set(as(ownerToken, acme)).expect(200);
    expect(limits.body.max_allowed).toBe(12);
  });

  it('refuses a bad limit with 400 naming the field, and an unknown plan with 404', async () => {
    const plan = await planOf(beta);
    for (const value of [-1, 1.5, 'five', null, 10_001]) {
      const res = await t
        .http()
        .patch(`/api/admin/plans/${plan.id}`)
        .set(as(adminToken))
        .send({ max_whatsapp_numbers: value });
      expect({ value, status: res.status }).toEqual({ value, status: 400 });
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
        'max_whatsapp_numbers',
      ]);
    }
    const extra = await t
      .http()
      .patch(`/api/admin/plans/${plan.id}`)
      .set(as(adminToken))
      .send({ max_whatsapp_numbers: 2, price: '0.00' })
      .expect(400);
    expect(extra.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'price',
    ]);
    await t
      .http()
      .patch('/api/admin/plans/999999')
      .set(as(adminToken))
      .send({ max_whatsapp_numbers: 2 })
      .expect(404);
    await t
      .http()
      .patch('/api/admin/plans/abc')
      .set(as(adminToken))
      .send({ max_whatsapp_numbers: 2 })
      .expect(400);
    expect((await planOf(beta)).max_whatsapp_numbers).toBe(7);
  });

  it('lists every active number of every workspace with its workspace, status and engine', async () => {
    const a = await insertSession(acme, {
      phoneNumber: '+6281111111111',
      engineId: 'engine-a',
    });
    const b = await insertSession(beta, {
      phoneNumber: '+6282222222222',
      providerType: 'meta',
      status: 'disconnected',
      disconnectReason: 'user_initiated',
    });
    await insertSession(beta, { isActive: false, status: 'disconnected' });

    const res = await t.http().get('/api/admin/sessions').set(as(adminToken)).expect(200);
    const rows = res.body as PlatformSessionView[];
    expect(rows.find((r) => r.uuid === a.uuid)).toMatchObject({
      workspace_id: acme.id,
      workspace_name: 'Acme',
      phone_number: '+6281111111111',
      provider_type: 'webjs',
      status: 'connected',
      engine_id: 'engine-a',
    });
    expect(rows.find((r) => r.uuid === b.uuid)).toMatchObject({
      workspace_name: 'Beta',
      provider_type: 'meta',
      status: 'disconnected',
      disconnect_reason: 'user_initiated',
      engine_id: null,
    });
    expect(rows).toHaveLength(2);
  });

  it('reports numbers by status, messages today, queue depth, and no engine when there is none', async () => {
    const res = await t.http().get('/api/admin/health').set(as(adminToken)).expect(200);
    const health = res.body as PlatformHealthView;
    expect(Object.keys(health.numbers_by_status).sort()).toEqual([...SESSION_STATUSES].sort());
    expect(health.numbers_by_status.connected).toBe(1);
    expect(health.numbers_by_status.disconnected).toBe(1);
    expect(health.numbers_total).toBe(2);
    expect(health.messages_today).toEqual({ inbound: 0, outbound: 0, total: 0 });
    expect(health.since).toMatch(/T00:00:00\.000Z$/);
    expect(health.queues.map((q) => q.name)).toContain('sends');
    expect(health.queues.find((q) => q.name === 'sends')).toEqual({
      name: 'sends',
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
    });
    expect(health.engine).toBeNull();
    expect(health.engines).toEqual([]);
  });

  it('lists every engine in the registry with its sessions and memory', async () => {
    await t.app.get(EngineRegistry).announce({
      engine_id: 'engine-east',
      url: 'http://10.0.0.7:3100',
      sessions: 12,
      max_sessions: 50,
      memory_mb: 2048,
      ttl_ms: 30_000,
    });
    const res = await t.http().get('/api/admin/health').set(as(adminToken)).expect(200);
    expect((res.body as PlatformHealthView).engines).toEqual([
      {
        engine_id: 'engine-east',
        url: 'http://10.0.0.7:3100',
        sessions: 12,
        max_sessions: 50,
        memory_mb: 2048,
        last_seen_at: expect.any(String),
        live: true,
      },
    ]);
  });

  it('counts messages since midnight UTC, by direction', async () => {
    const contact = await t
      .http()
      .post('/api/contacts')
      .set(as(adminToken, acme))
      .send({ first_name: 'Budi', phone: '+62 812-3456-7890' })
      .expect(201);
    const contactRow = await t.app
      .get(DataSource)
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('contacts', 'c')
      .where('c.uuid = :uuid', { uuid: (contact.body as { uuid: string }).uuid })
      .getRawOne<{ id: number | string }>();
    const repo = t.app.get(DataSource).getRepository(Chat);
    const now = new Date();
    const yesterday = new Date(now.getTime() - 26 * 60 * 60 * 1000);
    const rows = [
      ['inbound', now],
      ['inbound', now],
      ['outbound', now],
      ['inbound', yesterday],
    ] as const;
    for (const [type, createdAt] of rows) {
      await repo.insert({
        uuid: randomUUID(),
        workspaceId: acme.id,
        contactId: Number(contactRow!.id),
        type,
        metadata: '{}',
        createdAt,
      });
    }
    const res = await t.http().get('/api/admin/health').set(as(adminToken)).expect(200);
    expect((res.body as PlatformHealthView).messages_today).toEqual({
      inbound: 2,
      outbound: 1,
      total: 3,
    });
  });

  it('lets only platform admins subscribe to the platform channel', async () => {
    const owner = connectEcho(url, { token: ownerToken });
    await connected(owner);
    const refused = subscriptionError(owner, platformChannel());
    owner.private(echoChannelName(platformChannel()));
    expect(await refused).toBe(403);

    const admin = connectEcho(url, { token: adminToken });
    await connected(admin);
    admin.private(echoChannelName(platformChannel()));
    await joined(t.app.get(EchoGateway), admin, platformChannel());
  });
});
