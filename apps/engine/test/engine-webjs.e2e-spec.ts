import { existsSync } from 'node:fs';
import { FAKE_WHATSAPP_CHROMIUM_PATH, waitFor } from '@switchboard/testing';
import type { SendResult } from '@switchboard/contracts';
import { EngineSystem } from './engine-system-kit';

const describeWithBrowser = existsSync(FAKE_WHATSAPP_CHROMIUM_PATH) ? describe : describe.skip;
const PHONE = '6281234567001';
const CUSTOMER = '6289876543210@c.us';

/**
 * The engine with the real whatsapp-web.js in real Chromium, against the fake WhatsApp Web, with
 * the real server as lease authority, event inbox and auth-state store.
 */
describeWithBrowser('engine on the real whatsapp-web.js', () => {
  jest.setTimeout(120_000);
  const system = new EngineSystem();

  beforeAll(() => system.start());
  afterAll(() => system.stop());

  /** Starts a session on an engine and scans its QR with a phone. */
  async function link(engine: { url: string }, sessionId: string, phone: string): Promise<void> {
    const pending = new Set(system.fake.pendingQrs());
    expect((await system.command(engine, 'startSession', sessionId, {})).status).toBe(202);
    const qr = await system.fake.waitForQr({ exclude: [...pending], timeoutMs: 60_000 });
    await system.statusIs(sessionId, 'qr_scanning');
    await system.fake.scanQr(qr, { phone, pushname: 'Shop' });
  }

  it('links by QR, reports the number, carries messages both ways with acks, and ends on unlink', async () => {
    const engine = await system.startEngine({ id: 'engine-main' });
    const { sessionId } = await system.createSession();
    await link(engine, sessionId, PHONE);
    const connected = await system.statusIs(sessionId, 'connected');
    expect(connected.phoneNumber).toBe(`+${PHONE}`);
    expect(connected.engineId).toBe('engine-main');
    expect((await system.events(sessionId, 'session.qr'))[0]?.data.qr_data_url).toMatch(
      /^data:image\/png;base64,/,
    );
    await waitFor(() => system.hasStoredLogin(sessionId), 'the login stored at the server');

    const inboundId = await system.fake.receiveMessage(PHONE, { from: CUSTOMER, body: 'Halo' });
    await waitFor(
      async () => (await system.events(sessionId, 'message.received')).length === 1,
      'the inbound message at the server',
      15_000,
    );
    const [inbound] = await system.events(sessionId, 'message.received');
    expect(inbound!.data.message).toMatchObject({
      provider_message_id: inboundId,
      from: { id: CUSTOMER, kind: 'phone', phone: '6289876543210' },
      from_me: false,
      is_group: false,
      body: 'Halo',
    });

    const send = { chat_id: CUSTOMER, text: 'Hi! How can we help?', idempotency_key: 'reply-1' };
    const sent = await system.command(engine, 'sendText', sessionId, send);
    expect(sent.status).toBe(200);
    const result = sent.body as SendResult;
    const delivered = await system.fake.waitForSentMessage(
      (m) => m.id === result.provider_message_id,
    );
    expect(delivered).toMatchObject({ to: CUSTOMER, body: send.text });
    const again = await system.command(engine, 'sendText', sessionId, send);
    expect(again.body).toEqual(result);
    expect(system.fake.sentMessages().filter((m) => m.body === send.text)).toHaveLength(1);

    await system.fake.ackMessage(PHONE, result.provider_message_id, 2);
    await system.fake.ackMessage(PHONE, result.provider_message_id, 3);
    await waitFor(
      async () => (await system.events(sessionId, 'message.ack')).length === 3,
      'every ack at the server',
      15_000,
      () => system.explain(sessionId),
    );
    const acks = await system.events(sessionId, 'message.ack');
    // The server's own ack (sent), then the phone's: forward only, each once.
    expect(acks.map((a) => a.data.status)).toEqual(['sent', 'delivered', 'read']);

    await system.fake.unlink(PHONE);
    await system.statusIs(sessionId, 'disconnected', 'logged_out');
    await waitFor(async () => !(await system.hasStoredLogin(sessionId)), 'the login forgotten');
    await engine.stop();
  });

  it('stops a session nobody scans at the end of the QR window, freeing its Chromium', async () => {
    const engine = await system.startEngine({
      id: 'engine-qr',
      env: { ENGINE_QR_WINDOW_MS: '4000' },
    });
    const { sessionId } = await system.createSession();
    await system.command(engine, 'startSession', sessionId, {});
    await system.statusIs(sessionId, 'qr_scanning');
    await system.statusIs(sessionId, 'disconnected', 'qr_expired');
    const status = await system.command(engine, 'sessionStatus', sessionId);
    expect(status.body).toMatchObject({ status: 'disconnected', reason: 'qr_expired', qr: null });
    const sent = await system.command(engine, 'sendText', sessionId, {
      chat_id: CUSTOMER,
      text: 'x',
      idempotency_key: 'k',
    });
    expect(sent).toMatchObject({ status: 409, body: { error: { code: 'SESSION_NOT_CONNECTED' } } });
    await engine.stop();
  });

  it('recycles a connected session whose page froze, and it comes back without a new QR', async () => {
    const phone = '6281234567004';
    const engine = await system.startEngine({
      id: 'engine-watchdog',
      env: { ENGINE_WATCHDOG_INTERVAL_MS: '1000', ENGINE_WATCHDOG_TIMEOUT_MS: '1500' },
    });
    const { sessionId } = await system.createSession();
    await link(engine, sessionId, phone);
    await system.statusIs(sessionId, 'connected');
    const qrs = (await system.events(sessionId, 'session.qr')).length;

    await system.fake.hangPage(phone);
    await waitFor(
      async () => (await system.events(sessionId, 'session.recovery')).length === 1,
      'the watchdog to report the frozen page',
      20_000,
    );
    const [recovery] = await system.events(sessionId, 'session.recovery');
    expect(recovery!.data).toMatchObject({ reason: 'unresponsive' });
    await waitFor(
      async () => {
        const statuses = (await system.events(sessionId, 'session.status')).map(
          (e) => e.data.status,
        );
        return statuses.lastIndexOf('connected') > statuses.indexOf('reconnecting');
      },
      'the session to reconnect from its stored login',
      30_000,
      () => system.explain(sessionId),
    );
    expect((await system.events(sessionId, 'session.qr')).length).toBe(qrs);
    system.fake.releasePage(phone);
    await system.command(engine, 'stopSession', sessionId);
    await engine.stop();
  });

  it('comes back connected after an engine restart, without a new QR', async () => {
    const dataDir = system.newDataDir();
    const first = await system.startEngine({ id: 'engine-restart', dataDir });
    const { sessionId } = await system.createSession();
    await link(first, sessionId, '6281234567002');
    await system.statusIs(sessionId, 'connected');
    await first.stop();
    const qrsBefore = (await system.events(sessionId, 'session.qr')).length;

    const second = await system.startEngine({ id: 'engine-restart', dataDir });
    await waitFor(
      async () => (await system.command(second, 'sessionStatus', sessionId)).status === 200,
      'the restarted engine to adopt its session',
      20_000,
      () => system.explain(sessionId),
    );
    await waitFor(
      async () =>
        ((await system.command(second, 'sessionStatus', sessionId)).body as { status: string })
          .status === 'connected',
      'the session to reconnect from its stored login',
      30_000,
      () => system.explain(sessionId),
    );
    expect((await system.events(sessionId, 'session.qr')).length).toBe(qrsBefore);
    await system.command(second, 'stopSession', sessionId);
    await second.stop();
  });

  it('is taken over by another engine after kill -9 of its engine, restored from the server', async () => {
    const first = await system.startEngineProcess({ id: 'engine-doomed' });
    const { sessionId } = await system.createSession();
    await link(first, sessionId, '6281234567003');
    // When the engine said connected (it may be before the scan call returned); the settled save
    // comes ENGINE_AUTH_SETTLE_MS (7 s here) after that.
    const linkedAt = (await system.statusIs(sessionId, 'connected')).lastConnectedAt!.getTime();
    // The second save, after Chromium has written the whole login to disk.
    await waitFor(
      async () => {
        const saves = await system.storedLoginUpdatedAt(sessionId);
        return saves !== null && saves.getTime() >= linkedAt + 7_000;
      },
      'the settled login at the server',
      // Seven seconds after connecting, plus packing and storing it on a machine that may be busy.
      60_000,
      async () =>
        `linked at ${new Date(linkedAt).toISOString()}, login saved at ${(await system.storedLoginUpdatedAt(sessionId))?.toISOString() ?? 'never'}; ${await system.explain(sessionId)}`,
    );

    const rescuer = await system.startEngine({ id: 'engine-rescuer' });
    const refused = await system.command(rescuer, 'startSession', sessionId, {});
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: 'SESSION_OWNED_ELSEWHERE' } },
    });

    const killedAt = Date.now();
    await first.kill();
    await waitFor(
      async () => (await system.row(sessionId)).engineId === 'engine-rescuer',
      'the rescuer to take the session',
      30_000,
      () => system.explain(sessionId),
    );
    await system.statusIs(sessionId, 'connected', undefined, 30_000);
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(6_000 + 1_000 + 15_000);
    const qrs = (await system.events(sessionId, 'session.qr')).filter(
      (e) => e.engine_id === 'engine-rescuer',
    );
    expect(qrs).toHaveLength(0);
    await system.command(rescuer, 'stopSession', sessionId);
    await rescuer.stop();
  }, 180_000);
});
