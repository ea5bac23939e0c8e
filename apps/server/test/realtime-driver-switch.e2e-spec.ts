import {
  BroadcastTestErrorCode,
  RealtimeEvent,
  userChannel,
  workspaceAgentsChannel,
  workspaceChannel,
  type BroadcastSettingsView,
  type BroadcastTestResult,
  type RealtimeClientConfig,
  type SessionStatusChangedPayload,
  type UpdateBroadcastSettingsRequest,
} from '@switchboard/contracts';
import { FakePusherService, freeLoopbackPort, waitFor } from '@switchboard/testing';
import { createHmac } from 'node:crypto';
import { RealtimeClient, type RealtimeState } from '../../admin/src/realtime/realtime-client';
import { BroadcasterService } from '../src/realtime/broadcaster.service';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';
import {
  listenOnLoopback,
  seedRealtimeWorld,
  startPeerNode,
  type RealtimeWorld,
} from './realtime-test-kit';

const PUSHER_APP = { appId: '4242', key: 'switch-key', secret: 'switch-secret-value' };

/** The runtime switch between the socket.io gateway and a Pusher-protocol service. */
describe('realtime: admin-switchable broadcast driver', () => {
  let t: TestApp;
  let url: string;
  let world: RealtimeWorld;
  let admin: string;
  let pusher: FakePusherService;
  const clients: RealtimeClient[] = [];

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const pusherSettings = (
    overrides: Partial<NonNullable<UpdateBroadcastSettingsRequest['pusher']>> = {},
  ): UpdateBroadcastSettingsRequest => ({
    driver: 'pusher',
    pusher: {
      app_id: PUSHER_APP.appId,
      app_key: PUSHER_APP.key,
      app_secret: PUSHER_APP.secret,
      cluster: 'mt1',
      host: pusher.host,
      port: pusher.port,
      scheme: 'http',
      ...overrides,
    },
  });
  const save = async (body: UpdateBroadcastSettingsRequest): Promise<BroadcastSettingsView> =>
    (await t.http().put('/api/admin/settings/broadcast').set(bearer(admin)).send(body).expect(200))
      .body as BroadcastSettingsView;
  const runTest = async (body: UpdateBroadcastSettingsRequest): Promise<BroadcastTestResult> =>
    (
      await t
        .http()
        .post('/api/admin/settings/broadcast/test')
        .set(bearer(admin))
        .send(body)
        .expect(200)
    ).body as BroadcastTestResult;
  const realtimeConfig = async (base = t): Promise<RealtimeClientConfig> =>
    (await base.http().get('/api/realtime/config').set(bearer(admin)).expect(200))
      .body as RealtimeClientConfig;

  beforeAll(async () => {
    pusher = new FakePusherService(PUSHER_APP);
    await pusher.start();
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    world = await seedRealtimeWorld(t);
    admin = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.stop();
    await save({ driver: 'socketio' });
  });

  afterAll(async () => {
    await t.close();
    await pusher.stop();
  });

  describe('settings API', () => {
    it('shows the settings with the secret never sent back, to platform admins only', async () => {
      await save(pusherSettings());
      const res = await t
        .http()
        .get('/api/admin/settings/broadcast')
        .set(bearer(admin))
        .expect(200);
      expect(res.body).toEqual({
        driver: 'pusher',
        pusher: {
          app_id: PUSHER_APP.appId,
          app_key: PUSHER_APP.key,
          app_secret_set: true,
          cluster: 'mt1',
          host: pusher.host,
          port: pusher.port,
          scheme: 'http',
        },
      });
      expect(res.text).not.toContain(PUSHER_APP.secret);
      await t
        .http()
        .get('/api/admin/settings/broadcast')
        .set(bearer(world.ownerA.token))
        .expect(403);
      await t
        .http()
        .put('/api/admin/settings/broadcast')
        .set(bearer(world.ownerA.token))
        .send({ driver: 'socketio' })
        .expect(403);
    });

    it('keeps the stored secret when an update leaves it out', async () => {
      await save(pusherSettings());
      await save({ driver: 'pusher', pusher: { cluster: 'ap1' } });
      const view = (
        await t.http().get('/api/admin/settings/broadcast').set(bearer(admin)).expect(200)
      ).body as BroadcastSettingsView;
      expect(view.pusher).toMatchObject({ cluster: 'ap1', app_secret_set: true });
      expect(await runTest({ driver: 'pusher' })).toMatchObject({ ok: true });
    });

    it('refuses the pusher driver without its keys, naming each, and changes nothing', async () => {
      const res = await t
        .http()
        .put('/api/admin/settings/broadcast')
        .set(bearer(admin))
        .send({ driver: 'pusher', pusher: { app_id: '', app_key: '', app_secret: '' } })
        .expect(400);
      const body = res.body as {
        error: { code: string; details: { fields: { field: string }[] } };
      };
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details.fields.map((f) => f.field)).toEqual([
        'pusher.app_id',
        'pusher.app_key',
        'pusher.app_secret',
      ]);
      expect(await realtimeConfig()).toEqual({ driver: 'socketio', path: '/socket.io' });
    });

    it('rejects an unknown driver, a bad port and a host with a scheme with 400', async () => {
      const put = (body: unknown) =>
        t
          .http()
          .put('/api/admin/settings/broadcast')
          .set(bearer(admin))
          .send(body as object);
      const fieldsOf = async (body: unknown): Promise<string[]> => {
        const res = await put(body).expect(400);
        return (
          res.body as { error: { details: { fields: { field: string }[] } } }
        ).error.details.fields.map((f) => f.field);
      };
      expect(await fieldsOf({ driver: 'ably' })).toEqual(['driver']);
      expect(await fieldsOf(pusherSettings({ port: 70000 }))).toEqual(['pusher.port']);
      expect(await fieldsOf(pusherSettings({ host: 'https://soketi.example' }))).toEqual([
        'pusher.host',
      ]);
    });
  });

  describe('"test" action', () => {
    it('publishes a test event through the fake Pusher without saving anything', async () => {
      const result = await runTest(pusherSettings());
      expect(result).toMatchObject({ ok: true, driver: 'pusher' });
      const published = pusher.publishedEvents.filter((e) => e.name === RealtimeEvent.DRIVER_TEST);
      expect(published.at(-1)?.channel).toBe(userChannel(1));
      expect(await realtimeConfig()).toEqual({ driver: 'socketio', path: '/socket.io' });
    });

    it('reports the service answer for a wrong secret', async () => {
      const result = await runTest(pusherSettings({ app_secret: 'not-the-secret' }));
      expect(result).toMatchObject({
        ok: false,
        driver: 'pusher',
        error: { code: BroadcastTestErrorCode.PUSHER_REJECTED },
      });
      expect(!result.ok && result.error.message).toMatch(
        new RegExp(`^The Pusher server at http://${pusher.host}:${pusher.port} answered 401`),
      );
    });

    it('reports an unreachable server with the connection error', async () => {
      const closedPort = await freeLoopbackPort();
      const result = await runTest(pusherSettings({ port: closedPort }));
      expect(result).toEqual({
        ok: false,
        driver: 'pusher',
        error: {
          code: BroadcastTestErrorCode.PUSHER_UNREACHABLE,
          message: `Could not reach the Pusher server at http://${pusher.host}:${closedPort}: ECONNREFUSED`,
        },
      });
    });

    it('succeeds for the built-in socket.io driver', async () => {
      expect(await runTest({ driver: 'socketio' })).toMatchObject({ ok: true, driver: 'socketio' });
    });
  });

  describe('what browsers get', () => {
    it('GET /api/realtime/config names the active driver and only its public fields', async () => {
      expect(await realtimeConfig()).toEqual({ driver: 'socketio', path: '/socket.io' });
      await save(pusherSettings());
      const config = await realtimeConfig();
      expect(config).toEqual({
        driver: 'pusher',
        key: PUSHER_APP.key,
        cluster: 'mt1',
        host: pusher.host,
        port: pusher.port,
        scheme: 'http',
        auth_endpoint: '/broadcasting/auth',
      });
      await t.http().get('/api/realtime/config').expect(401);
    });

    it('every server node follows a switch made on another at once', async () => {
      const peer = await startPeerNode(t);
      try {
        const peerConfig = async (): Promise<string> =>
          (
            (await fetch(`${peer.url}/api/realtime/config`, { headers: bearer(admin) }).then((r) =>
              r.json(),
            )) as RealtimeClientConfig
          ).driver;
        expect(await peerConfig()).toBe('socketio');
        await save(pusherSettings());
        await waitFor(async () => (await peerConfig()) === 'pusher', 'the peer to use pusher');
      } finally {
        await peer.close();
      }
    });

    it('/broadcasting/auth signs private and presence channels in the Pusher shape', async () => {
      await save(pusherSettings());
      const socketId = '1234.5678';
      const privateChannel = workspaceChannel(world.workspaceA);
      const res = await t
        .http()
        .post('/broadcasting/auth')
        .set(bearer(world.agentA.token))
        .type('form')
        .send({ socket_id: socketId, channel_name: privateChannel })
        .expect(200);
      expect(res.body).toEqual({
        auth: `${PUSHER_APP.key}:${sign(`${socketId}:${privateChannel}`)}`,
      });

      const presence = workspaceAgentsChannel(world.workspaceA);
      const joined = await t
        .http()
        .post('/broadcasting/auth')
        .set(bearer(world.agentA.token))
        .send({ socket_id: socketId, channel_name: presence })
        .expect(200);
      const { auth, channel_data } = joined.body as { auth: string; channel_data: string };
      expect(JSON.parse(channel_data)).toEqual({
        user_id: world.agentA.id,
        user_info: { id: world.agentA.id, name: world.agentA.name, role: 'agent' },
      });
      expect(auth).toBe(`${PUSHER_APP.key}:${sign(`${socketId}:${presence}:${channel_data}`)}`);
    });

    it('/broadcasting/auth refuses other workspaces, strangers and unknown channels', async () => {
      await save(pusherSettings());
      const ask = (channel: string) =>
        t
          .http()
          .post('/broadcasting/auth')
          .type('form')
          .send({ socket_id: '1.2', channel_name: channel });
      await ask(workspaceChannel(world.workspaceA)).set(bearer(world.ownerB.token)).expect(403);
      await ask(userChannel(world.ownerA.id)).set(bearer(world.agentA.token)).expect(403);
      await ask(workspaceChannel(world.workspaceA)).expect(401);
      await ask('private-nothing.1').set(bearer(world.ownerA.token)).expect(404);
      const bad = await t
        .http()
        .post('/broadcasting/auth')
        .set(bearer(world.ownerA.token))
        .send({ socket_id: 'x', channel_name: workspaceChannel(world.workspaceA) })
        .expect(400);
      expect(JSON.stringify(bad.body)).toContain('socket_id');
    });

    it('/broadcasting/auth answers Laravel’s unsigned shape while socket.io is active', async () => {
      const ask = (channel: string) =>
        t
          .http()
          .post('/broadcasting/auth')
          .set(bearer(world.agentA.token))
          .send({ socket_id: '1.2', channel_name: channel })
          .expect(200);
      expect((await ask(workspaceChannel(world.workspaceA))).text).toBe('true');
      const presence = (await ask(workspaceAgentsChannel(world.workspaceA))).body as {
        channel_data: string;
      };
      expect(JSON.parse(presence.channel_data)).toMatchObject({ user_id: world.agentA.id });
    });
  });

  describe('switching while pages are open', () => {
    const payload = (status: 'connected' | 'disconnected'): SessionStatusChangedPayload => ({
      workspace_id: world.workspaceA,
      session_uuid: 'switch-session',
      status,
      phone_number: null,
      at: new Date().toISOString(),
    });

    /** A page's realtime client, signed in as one user, recording what it receives. */
    function openPage(user: { id: number; token: string }) {
      const states: Array<[RealtimeState, string | null]> = [];
      const client = new RealtimeClient({
        baseUrl: url,
        userId: user.id,
        headers: bearer(user.token),
        onStateChange: (state, driver) => states.push([state, driver]),
      });
      clients.push(client);
      const received: SessionStatusChangedPayload[] = [];
      client.listen(workspaceChannel(world.workspaceA), RealtimeEvent.SESSION_STATUS_CHANGED, (p) =>
        received.push(p),
      );
      return { client, received, states };
    }

    const socketIoMembers = async (channel: string): Promise<number> =>
      (await t.app.get(EchoGateway).server.in(channel).fetchSockets()).length;
    const onSocketIo = (pages: Array<{ id: number }>) =>
      waitFor(async () => {
        for (const user of pages)
          if ((await socketIoMembers(userChannel(user.id))) < 1) return false;
        return (await socketIoMembers(workspaceChannel(world.workspaceA))) === pages.length;
      }, 'pages subscribed over socket.io');
    const onPusher = (pages: Array<{ id: number }>) =>
      waitFor(
        () =>
          pages.every((user) => pusher.subscribers(userChannel(user.id)).length === 1) &&
          pusher.subscribers(workspaceChannel(world.workspaceA)).length === pages.length,
        'pages subscribed on the Pusher service',
      );

    it('moves every open page from socket.io to Pusher and back, without a restart', async () => {
      const broadcaster = t.app.get(BroadcasterService);
      const owner = openPage(world.ownerA);
      const agent = openPage(world.agentA);
      await Promise.all([owner.client.start(), agent.client.start()]);
      await onSocketIo([world.ownerA, world.agentA]);

      await broadcaster.broadcast(
        workspaceChannel(world.workspaceA),
        RealtimeEvent.SESSION_STATUS_CHANGED,
        payload('connected'),
      );
      await waitFor(
        () => owner.received.length === 1 && agent.received.length === 1,
        'socket.io delivery',
      );

      await save(pusherSettings());
      await onPusher([world.ownerA, world.agentA]);
      expect([owner.client.driver, agent.client.driver]).toEqual(['pusher', 'pusher']);
      expect(await socketIoMembers(workspaceChannel(world.workspaceA))).toBe(0);

      await broadcaster.broadcast(
        workspaceChannel(world.workspaceA),
        RealtimeEvent.SESSION_STATUS_CHANGED,
        payload('disconnected'),
      );
      await waitFor(
        () => owner.received.length === 2 && agent.received.length === 2,
        'Pusher delivery',
      );
      expect(owner.received.map((p) => p.status)).toEqual(['connected', 'disconnected']);
      expect(pusher.publishedEvents.at(-1)).toMatchObject({
        channel: workspaceChannel(world.workspaceA),
        name: RealtimeEvent.SESSION_STATUS_CHANGED,
      });

      await save({ driver: 'socketio' });
      await onSocketIo([world.ownerA, world.agentA]);
      await waitFor(
        () => pusher.subscribers(workspaceChannel(world.workspaceA)).length === 0,
        'Pusher left',
      );
      await broadcaster.broadcast(
        workspaceChannel(world.workspaceA),
        RealtimeEvent.SESSION_STATUS_CHANGED,
        payload('connected'),
      );
      await waitFor(
        () => owner.received.length === 3 && agent.received.length === 3,
        'socket.io again',
      );
      expect(owner.states.at(-1)).toEqual(['connected', 'socketio']);
    });

    it('leaves open pages alone when only keys of the inactive driver change', async () => {
      const page = openPage(world.ownerA);
      await page.client.start();
      await onSocketIo([world.ownerA]);
      const before = page.states.length;
      await save({ driver: 'socketio', pusher: { cluster: 'eu' } });
      await t.app
        .get(BroadcasterService)
        .broadcast(
          workspaceChannel(world.workspaceA),
          RealtimeEvent.SESSION_STATUS_CHANGED,
          payload('connected'),
        );
      await waitFor(() => page.received.length === 1, 'delivery on the same connection');
      expect(page.states.length).toBe(before);
    });
  });

  function sign(value: string): string {
    return createHmac('sha256', PUSHER_APP.secret).update(value).digest('hex');
  }
});
