import {
  echoChannelName,
  ENGINE_EVENTS_PATH,
  ENGINE_LINK_PATHS,
  engineAuthStatePath,
  RealtimeEvent,
  workspaceChannel,
  type QrCodeGeneratedPayload,
  type SessionStatusChangedPayload,
} from '@switchboard/contracts';
import { signRequest } from '@switchboard/contracts/node';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EngineEventRecord } from '../src/engine-link/engine-event.entity';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import {
  connectEcho,
  disconnectAllEchoClients,
  joined,
  listenOnLoopback,
  nextEvent,
  seedRealtimeWorld,
  type RealtimeWorld,
} from './realtime-test-kit';
import { engineEvent } from './engine-event-kit';
import { startTestApp, type TestApp } from './test-app';

/** The server's side of the engine link, called as an engine would: signed HTTP. */
describe('engine link: signed events, leases and auth state', () => {
  let t: TestApp;
  let url: string;
  let world: RealtimeWorld;
  let dataSource: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    world = await seedRealtimeWorld(t);
    dataSource = t.app.get(DataSource);
  });
  afterEach(() => disconnectAllEchoClients());
  afterAll(() => t.close());

  const sessions = () => dataSource.getRepository(WhatsappSession);
  const inbox = () => dataSource.getRepository(EngineEventRecord);

  async function createSession(overrides: Partial<WhatsappSession> = {}): Promise<WhatsappSession> {
    const sessionId = `wa_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    return sessions().save(
      sessions().create({
        uuid: randomUUID(),
        workspaceId: world.workspaceA,
        sessionId,
        providerType: 'webjs',
        status: 'initializing',
        ...overrides,
      }),
    );
  }

  /** A request signed with the engine secret, as the engine sends it. */
  function signed(
    method: 'post' | 'put' | 'get' | 'delete',
    path: string,
    body?: unknown,
    options: { requestId?: string; secret?: string; timestamp?: number } = {},
  ) {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers = signRequest(
      options.secret ?? t.config.engineSecret,
      raw,
      options.requestId ?? `req-${randomUUID()}`,
      options.timestamp,
    );
    const request = t.http()[method](path).set(headers);
    return body === undefined ? request : request.set('content-type', 'application/json').send(raw);
  }

  describe('signatures', () => {
    it('refuses a wrong signature, a stale timestamp and a replayed request id, storing nothing', async () => {
      const session = await createSession();
      const body = engineEvent(session, 'session.recovery', {
        reason: 'connection_lost',
        attempt: 1,
        detail: null,
      });
      const before = await inbox().count();
      const wrong = await signed('post', ENGINE_EVENTS_PATH, body, { secret: 'x'.repeat(40) });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: { details: { reason: 'bad_signature' } } });
      const stale = await signed('post', ENGINE_EVENTS_PATH, body, {
        timestamp: Math.floor(Date.now() / 1000) - 301,
      });
      expect(stale.body).toMatchObject({ error: { details: { reason: 'stale_timestamp' } } });
      expect(stale.status).toBe(401);
      const unsigned = await t.http().post(ENGINE_EVENTS_PATH).send(body);
      expect(unsigned.status).toBe(401);
      expect(await inbox().count()).toBe(before);

      const requestId = `req-${randomUUID()}`;
      await signed('post', ENGINE_EVENTS_PATH, body, { requestId }).expect(202);
      const replay = await signed(
        'post',
        ENGINE_EVENTS_PATH,
        engineEvent(session, 'session.recovery', {
          reason: 'connection_lost',
          attempt: 2,
          detail: null,
        }),
        { requestId },
      );
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ error: { details: { reason: 'replayed_request' } } });
      expect(await inbox().count()).toBe(before + 1);
    });

    it('answers 400 naming the field for a malformed event', async () => {
      const session = await createSession();
      const bad = { ...engineEvent(session, 'session.qr', {} as never), type: 'session.exploded' };
      const res = await signed('post', ENGINE_EVENTS_PATH, bad).expect(400);
      expect(JSON.stringify(res.body)).toContain('type');
    });
  });

  describe('events', () => {
    it('applies a QR to the row first, then tells the workspace, once per event id', async () => {
      const session = await createSession();
      const echo = connectEcho(url, { token: world.agentA.token });
      const channel = echo.private(echoChannelName(workspaceChannel(world.workspaceA)));
      const received: QrCodeGeneratedPayload[] = [];
      channel.listen(`.${RealtimeEvent.QR_CODE_GENERATED}`, (p: QrCodeGeneratedPayload) =>
        received.push(p),
      );
      await joined(t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));

      const windowEndsAt = new Date(Date.now() + 120_000).toISOString();
      const qr = engineEvent(session, 'session.qr', {
        qr: '2@abc,def,ghi,jkl',
        qr_data_url: 'data:image/png;base64,AAAA',
        expires_at: new Date(Date.now() + 20_000).toISOString(),
        window_ends_at: windowEndsAt,
      });
      const first = await signed('post', ENGINE_EVENTS_PATH, qr).expect(202);
      expect(first.body).toEqual({ stored: true, processed: true });
      const again = await signed('post', ENGINE_EVENTS_PATH, qr).expect(202);
      expect(again.body).toEqual({ stored: false, processed: false });

      const row = await sessions().findOneByOrFail({ id: session.id });
      expect(row).toMatchObject({ status: 'qr_scanning', qrCode: 'data:image/png;base64,AAAA' });
      await new Promise<void>((resolve) => {
        const check = () => (received.length >= 1 ? resolve() : setImmediate(check));
        check();
      });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        session_uuid: session.uuid,
        qr_code_base64: 'data:image/png;base64,AAAA',
        window_ends_at: windowEndsAt,
      });
      expect(received[0]!.expires_in_seconds).toBeGreaterThan(110);
    });

    it('records a connection with its phone number and broadcasts the status', async () => {
      const session = await createSession({ status: 'qr_scanning', qrCode: 'data:old' });
      const echo = connectEcho(url, { token: world.ownerA.token });
      const status = nextEvent<SessionStatusChangedPayload>(
        echo.private(echoChannelName(workspaceChannel(world.workspaceA))),
        `.${RealtimeEvent.SESSION_STATUS_CHANGED}`,
      );
      await joined(t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));
      await signed(
        'post',
        ENGINE_EVENTS_PATH,
        engineEvent(session, 'session.status', {
          status: 'connected',
          reason: null,
          phone: '6281234567890',
          wid: '6281234567890@c.us',
        }),
      ).expect(202);
      const row = await sessions().findOneByOrFail({ id: session.id });
      expect(row).toMatchObject({
        status: 'connected',
        phoneNumber: '+6281234567890',
        qrCode: null,
        engineId: 'engine-a',
      });
      expect(row.lastConnectedAt).not.toBeNull();
      expect(await status).toMatchObject({
        session_uuid: session.uuid,
        status: 'connected',
        phone_number: '+6281234567890',
      });
    });

    it('keeps an event its handler could not process in the inbox, unprocessed, with the reason', async () => {
      const session = await createSession({ status: 'connected' });
      const received = engineEvent(session, 'message.ack', {
        provider_message_id: 'true_628@c.us_ABC',
        chat_id: '628@c.us',
        status: 'seen' as never,
      });
      const res = await signed('post', ENGINE_EVENTS_PATH, received).expect(202);
      expect(res.body).toEqual({ stored: true, processed: false });
      const row = await inbox().findOneByOrFail({ eventId: received.event_id });
      expect(row.processedAt).toBeNull();
      expect(row.lastError).toContain('data.status');
      expect(JSON.parse(row.payload)).toEqual(received);
    });
  });

  describe('leases and claims', () => {
    const lease = (path: string, engineId: string, ids: string[]) =>
      signed('post', path, { engine_id: engineId, session_ids: ids, ttl_ms: 30_000 });

    it('gives a session to one engine at a time and records the owner', async () => {
      const session = await createSession({ status: 'connected' });
      const ids = [session.sessionId];
      expect(
        (await lease(ENGINE_LINK_PATHS.acquireLeases, 'engine-1', ids).expect(200)).body,
      ).toEqual({
        held: ids,
        refused: [],
      });
      expect((await lease(ENGINE_LINK_PATHS.acquireLeases, 'engine-2', ids)).body).toEqual({
        held: [],
        refused: ids,
      });
      expect((await lease(ENGINE_LINK_PATHS.renewLeases, 'engine-1', ids)).body.held).toEqual(ids);
      expect((await lease(ENGINE_LINK_PATHS.renewLeases, 'engine-2', ids)).body.refused).toEqual(
        ids,
      );
      expect((await sessions().findOneByOrFail({ id: session.id })).engineId).toBe('engine-1');

      await signed('post', ENGINE_LINK_PATHS.releaseLeases, {
        engine_id: 'engine-1',
        session_ids: ids,
      }).expect(204);
      expect((await lease(ENGINE_LINK_PATHS.acquireLeases, 'engine-2', ids)).body.held).toEqual(
        ids,
      );
      expect((await sessions().findOneByOrFail({ id: session.id })).engineId).toBe('engine-2');
    });

    it('offers linked sessions without an owner for adoption, the engine’s own first', async () => {
      await sessions().createQueryBuilder().update().set({ isActive: false }).execute();
      const other = await createSession({
        status: 'connected',
        sessionData: 'sealed',
        engineId: 'dead',
      });
      const own = await createSession({
        status: 'reconnecting',
        sessionData: 'sealed',
        engineId: 'engine-9',
      });
      await createSession({ status: 'connected', sessionData: null });
      await createSession({ status: 'disconnected', sessionData: 'sealed' });
      const held = await createSession({ status: 'connected', sessionData: 'sealed' });
      await lease(ENGINE_LINK_PATHS.acquireLeases, 'engine-1', [held.sessionId]).expect(200);

      const claims = (capacity: number) =>
        signed('post', ENGINE_LINK_PATHS.claims, { engine_id: 'engine-9', capacity }).expect(200);
      expect((await claims(10)).body).toEqual({ session_ids: [own.sessionId, other.sessionId] });
      expect((await claims(1)).body).toEqual({ session_ids: [own.sessionId] });

      // Its own lease from before a restart does not stop it; what it runs now is left out.
      await lease(ENGINE_LINK_PATHS.acquireLeases, 'engine-9', [own.sessionId]).expect(200);
      expect((await claims(10)).body).toEqual({ session_ids: [own.sessionId, other.sessionId] });
      const running = await signed('post', ENGINE_LINK_PATHS.claims, {
        engine_id: 'engine-9',
        capacity: 10,
        running_session_ids: [own.sessionId],
      }).expect(200);
      expect(running.body).toEqual({ session_ids: [other.sessionId] });
    });
  });

  describe('auth state', () => {
    it('stores the archive sealed, only from the lease holder, and clears it on logout', async () => {
      const session = await createSession({ status: 'connected' });
      const path = engineAuthStatePath(session.sessionId);
      const archive = Buffer.from('profile-archive-bytes').toString('base64');
      await signed('put', path, { engine_id: 'engine-1', archive }).expect(409);
      await signed('post', ENGINE_LINK_PATHS.acquireLeases, {
        engine_id: 'engine-1',
        session_ids: [session.sessionId],
        ttl_ms: 30_000,
      }).expect(200);
      await signed('put', path, { engine_id: 'engine-1', archive }).expect(200);

      const stored = await sessions()
        .createQueryBuilder('s')
        .addSelect('s.sessionData')
        .where({ id: session.id })
        .getOneOrFail();
      expect(stored.sessionData).toMatch(/^sbx1\./);
      expect(stored.sessionData).not.toContain(archive);

      const read = await signed('get', path).expect(200);
      expect(read.body).toMatchObject({ archive });
      await signed('delete', `${path}?engine_id=engine-2`).expect(409);
      await signed('delete', `${path}?engine_id=engine-1`).expect(204);
      await signed('get', path).expect(404);
      await signed('get', engineAuthStatePath('no-such-session')).expect(404);
    });

    it('accepts an archive larger than the API body limit', async () => {
      const session = await createSession({ status: 'connected' });
      await signed('post', ENGINE_LINK_PATHS.acquireLeases, {
        engine_id: 'engine-1',
        session_ids: [session.sessionId],
        ttl_ms: 30_000,
      }).expect(200);
      const archive = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64');
      await signed('put', engineAuthStatePath(session.sessionId), {
        engine_id: 'engine-1',
        archive,
      }).expect(200);
      expect((await signed('get', engineAuthStatePath(session.sessionId))).body.archive).toBe(
        archive,
      );
    });
  });
});
