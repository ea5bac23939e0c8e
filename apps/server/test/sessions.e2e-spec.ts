import {
  echoChannelName,
  RealtimeEvent,
  SessionErrorReason,
  workspaceChannel,
  type QrCodeGeneratedPayload,
  type SessionStatusChangedPayload,
  type WhatsappSessionDetailView,
  type WhatsappSessionView,
} from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import { freeLoopbackPort, waitFor } from '@switchboard/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import {
  connectEcho,
  disconnectAllEchoClients,
  joined,
  seedRealtimeWorld,
  startPeerNode,
  type RealtimeWorld,
} from './realtime-test-kit';
import {
  adminWorkspace,
  bearer,
  countSessions,
  sessionRow,
  startSessionsWorld,
  subscribeToPlan,
  type SessionsWorld,
} from './sessions-test-kit';
import { startTestApp } from './test-app';

const META_PHONE = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  displayPhoneNumber: '+1 555-010-0001',
  verifiedName: 'Acme Support',
  accessToken: 'EAAG-acme-good-token',
};
const OTHER_META_PHONE = {
  phoneNumberId: '106540352242999',
  wabaId: '102290129340399',
  displayPhoneNumber: '+1 555-010-0009',
  verifiedName: 'Other Shop',
  accessToken: 'EAAG-other-token',
};
/** Engine round trips on a loaded 2-core machine. */
const ENGINE_WAIT_MS = 20_000;
// Booting the server, its migrations and an engine, and the multi-step specs, on the same machine.
jest.setTimeout(90_000);
/** Several server nodes share one database only on MariaDB (SQLite is the single-machine mode). */
const itOnSharedDatabase = process.env.TEST_DATABASE_URL?.startsWith('mysql') ? it : it.skip;

describe('numbers API (/api/sessions)', () => {
  let w: SessionsWorld;
  let world: RealtimeWorld;
  let ownerA: Record<string, string>;
  let agentA: Record<string, string>;
  let ownerB: Record<string, string>;

  beforeAll(async () => {
    w = await startSessionsWorld();
    w.meta.addPhoneNumber(META_PHONE);
    w.meta.addPhoneNumber(OTHER_META_PHONE);
    world = await seedRealtimeWorld(w.t);
    // Workspace A is on a plan with room; B stays on the default of one number.
    await subscribeToPlan(w.t, world.workspaceA, 50);
    ownerA = bearer(world.ownerA.token);
    agentA = bearer(world.agentA.token);
    ownerB = bearer(world.ownerB.token);
  });
  afterEach(() => disconnectAllEchoClients());
  afterAll(() => w.close());

  const http = () => w.t.http();

  async function createWebjs(
    headers: Record<string, string>,
    body: Record<string, unknown> = {},
  ): Promise<WhatsappSessionDetailView> {
    const res = await http()
      .post('/api/sessions')
      .set(headers)
      .send({ provider_type: 'webjs', ...body })
      .expect(201);
    return res.body as WhatsappSessionDetailView;
  }

  async function engineSessionId(uuid: string): Promise<string> {
    return (await sessionRow(w.t, uuid))!.sessionId;
  }

  async function show(uuid: string, headers = ownerA): Promise<WhatsappSessionDetailView> {
    return (await http().get(`/api/sessions/${uuid}`).set(headers).expect(200))
      .body as WhatsappSessionDetailView;
  }

  async function statusIs(
    uuid: string,
    status: string,
    headers = ownerA,
  ): Promise<WhatsappSessionDetailView> {
    let view: WhatsappSessionDetailView | null = null;
    await waitFor(
      async () => (view = await show(uuid, headers)).status === status,
      `${uuid} to be ${status}`,
      ENGINE_WAIT_MS,
      () => JSON.stringify(view),
    );
    return view!;
  }

  /** Waits for the QR itself: the `qr_scanning` status event may land just before it. */
  async function qrShown(uuid: string, headers = ownerA): Promise<WhatsappSessionDetailView> {
    let view: WhatsappSessionDetailView | null = null;
    await waitFor(
      async () => {
        view = await show(uuid, headers);
        return view.status === 'qr_scanning' && view.qr_code !== null;
      },
      `${uuid} to show a QR`,
      ENGINE_WAIT_MS,
      () => JSON.stringify(view),
    );
    return view!;
  }

  /** Everything the workspace channel of A receives, as a browser tab would. */
  async function watchWorkspaceA() {
    const echo = connectEcho(w.serverUrl, { token: world.ownerA.token });
    const channel = echo.private(echoChannelName(workspaceChannel(world.workspaceA)));
    const qrs: QrCodeGeneratedPayload[] = [];
    const statuses: SessionStatusChangedPayload[] = [];
    channel.listen(`.${RealtimeEvent.QR_CODE_GENERATED}`, (p: QrCodeGeneratedPayload) =>
      qrs.push(p),
    );
    channel.listen(`.${RealtimeEvent.SESSION_STATUS_CHANGED}`, (p: SessionStatusChangedPayload) =>
      statuses.push(p),
    );
    await joined(w.t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));
    return { qrs, statuses };
  }

  describe('WhatsApp Web numbers', () => {
    it('creates the row, starts it on the engine, shows the QR live and connects once linked', async () => {
      const events = await watchWorkspaceA();
      const created = await createWebjs(ownerA);
      expect(created).toMatchObject({
        provider_type: 'webjs',
        phone_number: null,
        is_primary: true,
        health_score: 100,
      });
      expect(['initializing', 'qr_scanning']).toContain(created.status);

      await waitFor(
        () => events.qrs.some((qr) => qr.session_uuid === created.uuid),
        'the QR broadcast',
        ENGINE_WAIT_MS,
      );
      const qr = events.qrs.find((p) => p.session_uuid === created.uuid)!;
      expect(qr.qr_code_base64).toMatch(/^data:image\/png;base64,/);
      const scanning = await show(created.uuid);
      expect(scanning).toMatchObject({ status: 'qr_scanning', qr_code: qr.qr_code_base64 });
      const row = await sessionRow(w.t, created.uuid);
      expect(row!.sessionId).toMatch(/^wa_[0-9a-f]{12}$/);

      w.clients.latest(row!.sessionId).link('6281234567890');
      const connected = await statusIs(created.uuid, 'connected');
      expect(connected).toMatchObject({ phone_number: '+6281234567890', qr_code: null });
      expect(connected.last_connected_at).not.toBeNull();
      await waitFor(
        () =>
          events.statuses.some((s) => s.session_uuid === created.uuid && s.status === 'connected'),
        'the connected broadcast',
        ENGINE_WAIT_MS,
      );
    });

    it('shows the engine and its running sessions in /api/health', async () => {
      const created = await createWebjs(ownerA);
      await qrShown(created.uuid);
      const res = await http().get('/api/health').expect(200);
      expect(res.body.checks.engine).toMatchObject({
        status: 'up',
        details: { engine_id: 'engine-sessions', sessions: { max: 50 } },
      });
      expect(res.body.checks.engine.details.sessions.running).toBeGreaterThanOrEqual(1);
      await http().delete(`/api/sessions/${created.uuid}`).set(ownerA).expect(204);
    });

    it('disconnects (logs the device out), reconnects with a new QR, regenerates it and reconnects a linked number from its login', async () => {
      const events = await watchWorkspaceA();
      const created = await createWebjs(ownerA);
      const sessionId = await engineSessionId(created.uuid);
      await qrShown(created.uuid);
      w.clients.latest(sessionId).link('6281200000001');
      await statusIs(created.uuid, 'connected');

      const refused = await http()
        .post(`/api/sessions/${created.uuid}/regenerate-qr`)
        .set(ownerA)
        .expect(409);
      expect(refused.body.error.details).toMatchObject({
        reason: SessionErrorReason.INVALID_STATUS,
        status: 'connected',
      });

      const disconnected = await http()
        .post(`/api/sessions/${created.uuid}/disconnect`)
        .set(ownerA)
        .expect(200);
      expect(disconnected.body).toMatchObject({ status: 'disconnected', qr_code: null });
      expect(w.clients.latest(sessionId).loggedOut).toBe(true);
      expect(w.clients.hasStoredLogin(sessionId)).toBe(false);
      expect((await sessionRow(w.t, created.uuid))!.sessionData).toBeNull();

      const qrsBefore = events.qrs.filter((q) => q.session_uuid === created.uuid).length;
      const reconnecting = await http()
        .post(`/api/sessions/${created.uuid}/reconnect`)
        .set(ownerA)
        .expect(202);
      expect(['initializing', 'qr_scanning']).toContain(reconnecting.body.status);
      const rescanning = await qrShown(created.uuid);
      await waitFor(
        () => events.qrs.filter((q) => q.session_uuid === created.uuid).length > qrsBefore,
        'a QR after reconnecting',
        ENGINE_WAIT_MS,
      );

      const clientsBefore = w.clients.clientsOf(sessionId).length;
      await http().post(`/api/sessions/${created.uuid}/regenerate-qr`).set(ownerA).expect(202);
      expect(w.clients.clientsOf(sessionId).length).toBe(clientsBefore + 1);
      await waitFor(
        async () => {
          const view = await show(created.uuid);
          return (
            view.status === 'qr_scanning' &&
            view.qr_code !== null &&
            view.qr_code !== rescanning.qr_code
          );
        },
        'a new QR',
        ENGINE_WAIT_MS,
      );

      w.clients.latest(sessionId).link('6281200000001');
      await statusIs(created.uuid, 'connected');
      const linkedClients = w.clients.clientsOf(sessionId).length;
      await http().post(`/api/sessions/${created.uuid}/reconnect`).set(ownerA).expect(202);
      // A new client from the stored login: connected again without a scan.
      expect(w.clients.clientsOf(sessionId).length).toBe(linkedClients + 1);
      await statusIs(created.uuid, 'connected');
    });

    it('disconnects and reconnects a number the engine does not run', async () => {
      const { uuid, sessionId } = await insertUnknownToEngine('disconnected');
      const disconnected = await http()
        .post(`/api/sessions/${uuid}/disconnect`)
        .set(ownerA)
        .expect(200);
      expect(disconnected.body).toMatchObject({
        status: 'disconnected',
        disconnect_reason: 'user_initiated',
      });
      expect((await sessionRow(w.t, uuid))!.sessionData).toBeNull();
      await http().post(`/api/sessions/${uuid}/reconnect`).set(ownerA).expect(202);
      await qrShown(uuid);
      expect(w.clients.clientsOf(sessionId)).toHaveLength(1);
    });

    it('deletes idempotently, logging the client out, also when the engine never had the number', async () => {
      const created = await createWebjs(ownerA);
      const sessionId = await engineSessionId(created.uuid);
      await qrShown(created.uuid);
      const limitsBefore = (await http().get('/api/sessions/limits').set(ownerA).expect(200)).body;

      await http().delete(`/api/sessions/${created.uuid}`).set(ownerA).expect(204);
      await http().get(`/api/sessions/${created.uuid}`).set(ownerA).expect(404);
      const list = (await http().get('/api/sessions').set(ownerA).expect(200))
        .body as WhatsappSessionView[];
      expect(list.map((s) => s.uuid)).not.toContain(created.uuid);
      expect(w.clients.latest(sessionId).destroyed).toBe(true);
      const row = await sessionRow(w.t, created.uuid);
      expect(row).toMatchObject({ isActive: false, isPrimary: false, sessionData: null });
      expect(row!.deletedAt).not.toBeNull();
      const limitsAfter = (await http().get('/api/sessions/limits').set(ownerA).expect(200)).body;
      expect(limitsAfter.current_count).toBe(limitsBefore.current_count - 1);

      await http().delete(`/api/sessions/${created.uuid}`).set(ownerA).expect(204);

      const unknown = await insertUnknownToEngine('connected');
      await http().delete(`/api/sessions/${unknown.uuid}`).set(ownerA).expect(204);
      expect((await sessionRow(w.t, unknown.uuid))!.deletedAt).not.toBeNull();
      await http().delete(`/api/sessions/${randomUUID()}`).set(ownerA).expect(404);
    });

    /** A number of workspace A the engine has never heard of (e.g. adopted from Blazz). */
    async function insertUnknownToEngine(status: 'connected' | 'disconnected') {
      const sessions = w.t.app.get(DataSource).getRepository(WhatsappSession);
      const row = await sessions.save(
        sessions.create({
          uuid: randomUUID(),
          workspaceId: world.workspaceA,
          sessionId: `wa_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
          providerType: 'webjs',
          status,
          phoneNumber: '+6281299999999',
          // A login stored by an engine that has since gone.
          sessionData: w.t.app.get(SecretBox).seal('{"wid":"6281299999999@c.us"}'),
        }),
      );
      return { uuid: row.uuid, sessionId: row.sessionId };
    }
  });

  describe('plan limit', () => {
    it('counts numbers still waiting for their scan and refuses one more with a clear error, storing nothing', async () => {
      expect((await http().get('/api/sessions/limits').set(ownerB).expect(200)).body).toEqual({
        can_add_number: true,
        current_count: 0,
        max_allowed: 1,
      });
      const first = await createWebjs(ownerB);
      await qrShown(first.uuid, ownerB);
      expect((await http().get('/api/sessions/limits').set(ownerB).expect(200)).body).toEqual({
        can_add_number: false,
        current_count: 1,
        max_allowed: 1,
      });
      const graphCalls = w.meta.requests.length;

      for (const body of [
        { provider_type: 'webjs' },
        {
          provider_type: 'meta',
          meta: {
            access_token: META_PHONE.accessToken,
            phone_number_id: META_PHONE.phoneNumberId,
            waba_id: META_PHONE.wabaId,
          },
        },
      ]) {
        const refused = await http().post('/api/sessions').set(ownerB).send(body).expect(403);
        expect(refused.body.error).toMatchObject({
          code: 'FORBIDDEN',
          details: {
            reason: SessionErrorReason.PLAN_LIMIT_REACHED,
            max_allowed: 1,
            current_count: 1,
          },
        });
        expect(refused.body.error.message).toMatch(/plan allows 1 WhatsApp number/);
      }
      expect(await countSessions(w.t, world.workspaceB)).toBe(1);
      expect(w.meta.requests.length).toBe(graphCalls);

      await http().delete(`/api/sessions/${first.uuid}`).set(ownerB).expect(204);
      expect((await http().get('/api/sessions/limits').set(ownerB).expect(200)).body).toEqual({
        can_add_number: true,
        current_count: 0,
        max_allowed: 1,
      });
    });

    it('lets only as many concurrent creates through as the plan allows', async () => {
      const { workspaceId, headers } = await adminWorkspace(w.t, 'Racing', 2);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          http().post('/api/sessions').set(headers).send({ provider_type: 'webjs' }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 403, 403]);
      expect(await countSessions(w.t, workspaceId)).toBe(2);
    });

    itOnSharedDatabase('holds across server nodes racing for the last slot', async () => {
      const peer = await startPeerNode(w.t);
      try {
        for (let round = 0; round < 3; round += 1) {
          const { workspaceId, headers } = await adminWorkspace(w.t, `Nodes ${round}`, 1);
          const answers = await Promise.all(
            [w.t.http(), request(peer.url), w.t.http(), request(peer.url)].map((agent) =>
              agent.post('/api/sessions').set(headers).send({ provider_type: 'webjs' }),
            ),
          );
          expect(answers.map((a) => a.status).sort()).toEqual([201, 403, 403, 403]);
          expect(await countSessions(w.t, workspaceId)).toBe(1);
        }
      } finally {
        await peer.close();
      }
    });
  });

  describe('list and primary', () => {
    it('lists the primary first, then newest, and keeps exactly one primary', async () => {
      const { headers } = await adminWorkspace(w.t, 'Listing', 5);
      const first = await createWebjs(headers);
      const second = await createWebjs(headers);
      const third = await createWebjs(headers);
      expect([first.is_primary, second.is_primary, third.is_primary]).toEqual([true, false, false]);
      const list = async () =>
        (await http().get('/api/sessions').set(headers).expect(200)).body as WhatsappSessionView[];
      expect((await list()).map((s) => s.uuid)).toEqual([first.uuid, third.uuid, second.uuid]);
      expect(Object.keys((await list())[0]!).sort()).toEqual(
        [
          'created_at',
          'disconnect_reason',
          'health_score',
          'is_primary',
          'last_connected_at',
          'name',
          'phone_number',
          'provider_type',
          'status',
          'uuid',
        ].sort(),
      );

      const promoted = await http()
        .post(`/api/sessions/${second.uuid}/primary`)
        .set(headers)
        .expect(200);
      expect(promoted.body).toMatchObject({ uuid: second.uuid, is_primary: true });
      const afterPromotion = await list();
      expect(afterPromotion.map((s) => s.uuid)).toEqual([second.uuid, third.uuid, first.uuid]);
      expect(afterPromotion.filter((s) => s.is_primary)).toHaveLength(1);

      const fourth = await createWebjs(headers, { is_primary: true });
      const afterCreate = await list();
      expect(afterCreate.map((s) => s.uuid)).toEqual([
        fourth.uuid,
        third.uuid,
        second.uuid,
        first.uuid,
      ]);
      expect(afterCreate.filter((s) => s.is_primary).map((s) => s.uuid)).toEqual([fourth.uuid]);
    });
  });

  describe('Meta Cloud API numbers', () => {
    const good = {
      access_token: META_PHONE.accessToken,
      phone_number_id: META_PHONE.phoneNumberId,
      waba_id: META_PHONE.wabaId,
      app_secret: 'meta-app-secret',
    };

    it('checks the credentials with Graph, then stores them sealed and the number connected', async () => {
      const events = await watchWorkspaceA();
      const res = await http()
        .post('/api/sessions')
        .set(ownerA)
        .send({ provider_type: 'meta', meta: good })
        .expect(201);
      expect(res.body).toMatchObject({
        provider_type: 'meta',
        status: 'connected',
        phone_number: '+15550100001',
        name: 'Acme Support',
        qr_code: null,
      });
      const check = w.meta.requests.find(
        (r) => r.path === `/v21.0/${META_PHONE.phoneNumberId}` && r.status === 200,
      );
      expect(check).toMatchObject({ method: 'GET', bearerTokenPresent: true });

      const row = await sessionRow(w.t, res.body.uuid);
      expect(row!.sessionId).toMatch(/^meta_[0-9a-f]{12}$/);
      expect(SecretBox.isSealed(row!.sessionData!)).toBe(true);
      expect(row!.sessionData).not.toContain(META_PHONE.accessToken);
      expect(JSON.parse(w.t.app.get(SecretBox).openText(row!.sessionData!))).toEqual({
        access_token: META_PHONE.accessToken,
        phone_number_id: META_PHONE.phoneNumberId,
        waba_id: META_PHONE.wabaId,
        api_version: 'v21.0',
        app_secret: 'meta-app-secret',
      });
      await waitFor(
        () =>
          events.statuses.some((s) => s.session_uuid === res.body.uuid && s.status === 'connected'),
        'the connected broadcast',
        ENGINE_WAIT_MS,
      );

      // The same number twice in one workspace is refused.
      const again = await http()
        .post('/api/sessions')
        .set(ownerA)
        .send({ provider_type: 'meta', meta: good })
        .expect(409);
      expect(again.body.error.details).toMatchObject({ session_uuid: res.body.uuid });

      // No QR for a Meta number; disconnect and reconnect re-check with Graph.
      const noQr = await http()
        .post(`/api/sessions/${res.body.uuid}/regenerate-qr`)
        .set(ownerA)
        .expect(422);
      expect(noQr.body.error.details.reason).toBe(SessionErrorReason.NOT_SUPPORTED_BY_PROVIDER);
      await http().post(`/api/sessions/${res.body.uuid}/disconnect`).set(ownerA).expect(200);
      expect((await show(res.body.uuid)).status).toBe('disconnected');
      await http().post(`/api/sessions/${res.body.uuid}/reconnect`).set(ownerA).expect(202);
      expect((await show(res.body.uuid)).status).toBe('connected');

      w.meta.expireAccessToken(META_PHONE.phoneNumberId);
      const expired = await http()
        .post(`/api/sessions/${res.body.uuid}/reconnect`)
        .set(ownerA)
        .expect(422);
      expect(expired.body.error.message).toMatch(/Session has expired/);
      expect(await show(res.body.uuid)).toMatchObject({
        status: 'failed',
        disconnect_reason: 'error',
      });
      await http().delete(`/api/sessions/${res.body.uuid}`).set(ownerA).expect(204);
    });

    it("refuses wrong credentials with Meta's own message and stores nothing", async () => {
      const before = await countSessions(w.t, world.workspaceA);
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ ...good, access_token: 'EAAG-not-a-token' }, /Invalid OAuth access token/],
        // A real token of another number: Graph does not let it see this one.
        [
          {
            ...good,
            phone_number_id: META_PHONE.phoneNumberId,
            access_token: OTHER_META_PHONE.accessToken,
          },
          /does not exist, cannot be loaded due to missing permissions/,
        ],
        [{ ...good, api_version: 'v1.0' }, /Unknown path components/],
      ];
      for (const [meta, message] of cases) {
        const res = await http()
          .post('/api/sessions')
          .set(ownerA)
          .send({ provider_type: 'meta', meta })
          .expect(422);
        expect(res.body.error.message).toMatch(message);
        expect(res.body.error.details.reason).toBe(SessionErrorReason.META_CREDENTIALS_REJECTED);
      }
      expect(await countSessions(w.t, world.workspaceA)).toBe(before);
    });
  });

  describe('tenancy and roles', () => {
    it("answers 404 for another workspace's number on every endpoint and changes nothing", async () => {
      const mine = await createWebjs(ownerA);
      const sessionId = await engineSessionId(mine.uuid);
      const { qr_code: qr } = await qrShown(mine.uuid);
      const foreign = [
        http().get(`/api/sessions/${mine.uuid}`),
        http().post(`/api/sessions/${mine.uuid}/primary`),
        http().post(`/api/sessions/${mine.uuid}/reconnect`),
        http().post(`/api/sessions/${mine.uuid}/regenerate-qr`),
        http().post(`/api/sessions/${mine.uuid}/disconnect`),
        http().delete(`/api/sessions/${mine.uuid}`),
      ];
      for (const req of foreign) {
        const res = await req.set(ownerB);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      const listB = (await http().get('/api/sessions').set(ownerB).expect(200))
        .body as WhatsappSessionView[];
      expect(listB.map((s) => s.uuid)).not.toContain(mine.uuid);
      // Naming workspace A outright does not help a non-member either.
      await http()
        .get(`/api/sessions/${mine.uuid}`)
        .set(bearer(world.ownerB.token, world.workspaceA))
        .expect(404);
      // Still the same client with the same QR: nothing was restarted, stopped or deleted.
      expect(w.clients.clientsOf(sessionId)).toHaveLength(1);
      expect(w.clients.latest(sessionId).destroyed).toBe(false);
      expect(await show(mine.uuid)).toMatchObject({ status: 'qr_scanning', qr_code: qr });
      expect((await sessionRow(w.t, mine.uuid))!.deletedAt).toBeNull();
      await http().get('/api/sessions/not-a-uuid').set(ownerA).expect(404);
    });

    it('lets agents look but not change', async () => {
      const mine = await createWebjs(ownerA);
      await http().get('/api/sessions').set(agentA).expect(200);
      await http().get('/api/sessions/limits').set(agentA).expect(200);
      await http().get(`/api/sessions/${mine.uuid}`).set(agentA).expect(200);
      const before = await countSessions(w.t, world.workspaceA);
      const attempts = [
        http().post('/api/sessions').send({ provider_type: 'webjs' }),
        http().post(`/api/sessions/${mine.uuid}/primary`),
        http().post(`/api/sessions/${mine.uuid}/reconnect`),
        http().post(`/api/sessions/${mine.uuid}/regenerate-qr`),
        http().post(`/api/sessions/${mine.uuid}/disconnect`),
        http().delete(`/api/sessions/${mine.uuid}`),
      ];
      for (const req of attempts) {
        const res = await req.set(agentA);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect(await countSessions(w.t, world.workspaceA)).toBe(before);
      expect((await sessionRow(w.t, mine.uuid))!.deletedAt).toBeNull();
      await http().get('/api/sessions').expect(401);
    });
  });

  describe('malformed input', () => {
    it('answers 400 naming the field and stores nothing', async () => {
      const before = await countSessions(w.t, world.workspaceA);
      const clientsBefore = w.clients.clients.length;
      const graphCalls = w.meta.requests.length;
      const cases: Array<[unknown, string]> = [
        [{}, 'provider_type'],
        [{ provider_type: 'telegram' }, 'provider_type'],
        [{ provider_type: 'webjs', is_primary: 'yes' }, 'is_primary'],
        [{ provider_type: 'webjs', session_id: 'wa_mine' }, 'session_id'],
        [{ provider_type: 'meta' }, 'meta'],
        [
          {
            provider_type: 'webjs',
            meta: { access_token: 'x', phone_number_id: '1', waba_id: '2' },
          },
          'meta',
        ],
        [{ provider_type: 'meta', meta: 'token' }, 'meta'],
        [
          {
            provider_type: 'meta',
            meta: { access_token: '', phone_number_id: '1', waba_id: '2' },
          },
          'meta.access_token',
        ],
        [
          {
            provider_type: 'meta',
            meta: { access_token: 'x', phone_number_id: '../me', waba_id: '2' },
          },
          'meta.phone_number_id',
        ],
        [
          { provider_type: 'meta', meta: { access_token: 'x', phone_number_id: '1' } },
          'meta.waba_id',
        ],
        [
          {
            provider_type: 'meta',
            meta: { access_token: 'x', phone_number_id: '1', waba_id: '2', api_version: '21' },
          },
          'meta.api_version',
        ],
        [
          {
            provider_type: 'meta',
            meta: { access_token: 'x', phone_number_id: '1', waba_id: '2', extra: true },
          },
          'meta.extra',
        ],
        [[{ provider_type: 'webjs' }], 'provider_type'],
      ];
      for (const [body, field] of cases) {
        const res = await http()
          .post('/api/sessions')
          .set(ownerA)
          .send(body as object);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        const fields = (res.body.error.details.fields as Array<{ field: string }>).map(
          (f) => f.field,
        );
        expect({ body, fields }).toEqual({ body, fields: expect.arrayContaining([field]) });
      }
      const notJson = await http()
        .post('/api/sessions')
        .set({ ...ownerA, 'content-type': 'application/json' })
        .send('{"provider_type":');
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.code).toBe('INVALID_JSON');

      expect(await countSessions(w.t, world.workspaceA)).toBe(before);
      expect(w.clients.clients.length).toBe(clientsBefore);
      expect(w.meta.requests.length).toBe(graphCalls);
    });
  });
});

describe('numbers API without a reachable engine', () => {
  it('keeps the new number, marked failed, and says the engine is unavailable', async () => {
    const t = await startTestApp({ ENGINE_URL: `http://127.0.0.1:${await freeLoopbackPort()}` });
    try {
      const { workspaceId, headers } = await adminWorkspace(t, 'Offline', 3);
      const res = await t
        .http()
        .post('/api/sessions')
        .set(headers)
        .send({ provider_type: 'webjs' })
        .expect(503);
      expect(res.body.error).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        details: { reason: SessionErrorReason.ENGINE_UNAVAILABLE },
      });
      const uuid = res.body.error.details.session_uuid as string;
      const view = (await t.http().get(`/api/sessions/${uuid}`).set(headers).expect(200)).body;
      expect(view).toMatchObject({ status: 'failed', disconnect_reason: 'error' });
      expect(await countSessions(t, workspaceId)).toBe(1);

      // Reconnecting fails the same way and leaves the row as it was.
      const again = await t.http().post(`/api/sessions/${uuid}/reconnect`).set(headers).expect(503);
      expect(again.body.error.details.reason).toBe(SessionErrorReason.ENGINE_UNAVAILABLE);
      expect(
        (await t.http().get(`/api/sessions/${uuid}`).set(headers).expect(200)).body,
      ).toMatchObject({ status: 'failed', disconnect_reason: 'error' });

      // Deleting does not need the engine.
      await t.http().delete(`/api/sessions/${uuid}`).set(headers).expect(204);
      expect((await t.http().get('/api/sessions/limits').set(headers).expect(200)).body).toEqual({
        can_add_number: true,
        current_count: 0,
        max_allowed: 3,
      });
    } finally {
      await t.close();
    }
  });
});
