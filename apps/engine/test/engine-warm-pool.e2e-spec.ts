import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSessionView } from '@switchboard/contracts';
import { FAKE_WHATSAPP_CHROMIUM_PATH, waitFor } from '@switchboard/testing';
import { SessionHostService } from '../src/sessions/session-host.service';
import { EngineSystem } from './engine-system-kit';

const describeWithBrowser = existsSync(FAKE_WHATSAPP_CHROMIUM_PATH) ? describe : describe.skip;
const PHONE = '6281234567101';

/**
 * The warm pool on the real whatsapp-web.js in real Chromium, against the fake WhatsApp Web: a
 * pooled client becomes a session's, and its login outlives the pool.
 */
describeWithBrowser('engine warm pool on the real whatsapp-web.js', () => {
  // Three engine starts and a link on a machine that may be busy.
  jest.setTimeout(300_000);
  const system = new EngineSystem();

  beforeAll(() => system.start());
  afterAll(() => system.stop());

  async function view(engine: { url: string }, sessionId: string): Promise<EngineSessionView> {
    return (await system.command(engine, 'sessionStatus', sessionId)).body as EngineSessionView;
  }

  async function connectedOn(engine: { url: string }, sessionId: string): Promise<void> {
    await waitFor(
      async () => (await view(engine, sessionId).catch(() => null))?.status === 'connected',
      'the session to reconnect from its stored login',
      120_000,
      () => system.explain(sessionId),
    );
  }

  it('hands a pooled client to a new session, which links, saves its login and comes back after restarts without a QR', async () => {
    const dataDir = system.newDataDir();
    const env = { ENGINE_WARM_POOL: '1' };
    const first = await system.startEngine({ id: 'engine-warm', dataDir, env });
    const host = first.app.get(SessionHostService);
    await waitFor(
      () => host.warmPoolCounts().ready === 1,
      'a pooled client at its QR',
      120_000,
      () => JSON.stringify(host.warmPoolCounts()),
    );
    const pooledQr = await system.fake.waitForQr({ timeoutMs: 60_000 });
    expect(system.fake.pendingQrs()).toEqual([pooledQr]);

    const { sessionId } = await system.createSession();
    expect((await system.command(first, 'startSession', sessionId, {})).status).toBe(202);
    await waitFor(
      async () => (await system.events(sessionId, 'session.qr')).length > 0,
      'the session’s first QR at the server',
      30_000,
      () => system.explain(sessionId),
    );
    const [shown] = await system.events(sessionId, 'session.qr');
    // The QR the pooled client was already showing, now reported for this session.
    expect(shown!.data.qr).toBe(pooledQr);
    // The session's profile is the pooled Chromium's.
    expect(lstatSync(join(dataDir, `session-${sessionId}`)).isSymbolicLink()).toBe(true);

    const rotated = await system.fake.rotateQr(pooledQr);
    await waitFor(
      async () => (await view(first, sessionId)).qr?.qr === rotated,
      'the rotated QR on the session',
      30_000,
      () => system.explain(sessionId),
    );
    await system.fake.scanQr(rotated, { phone: PHONE, pushname: 'Warm Shop' });
    const connected = await system.statusIs(sessionId, 'connected', undefined, 60_000);
    expect(connected.phoneNumber).toBe(`+${PHONE}`);
    await waitFor(() => system.hasStoredLogin(sessionId), 'the login stored at the server', 60_000);
    // The pool refilled behind it; the new client's QR is not the session's.
    await waitFor(() => host.warmPoolCounts().ready === 1, 'the pool to refill', 120_000);
    const qrs = (await system.events(sessionId, 'session.qr')).map((e) => e.data.qr);
    expect(qrs).toEqual([pooledQr, rotated]);
    const qrsBefore = qrs.length;
    await first.stop();

    // Home again: the profile is a plain directory, and no pooled profile is left.
    expect(lstatSync(join(dataDir, `session-${sessionId}`)).isDirectory()).toBe(true);
    expect(readdirSync(join(dataDir, 'pool'))).toEqual([]);

    const second = await system.startEngine({ id: 'engine-warm', dataDir, env });
    await connectedOn(second, sessionId);
    await second.stop();

    // Another machine: the login comes from the archive stored at the server.
    const third = await system.startEngine({ id: 'engine-warm-elsewhere' });
    await connectedOn(third, sessionId);
    expect((await system.row(sessionId)).phoneNumber).toBe(`+${PHONE}`);
    expect(await system.events(sessionId, 'session.qr')).toHaveLength(qrsBefore);
    await system.command(third, 'stopSession', sessionId);
    await third.stop();
  });
});
