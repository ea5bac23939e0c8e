import { existsSync } from 'node:fs';
import type { EngineView } from '@switchboard/contracts';
import { FAKE_WHATSAPP_CHROMIUM_PATH, waitFor } from '@switchboard/testing';
import { EngineCommandsClient } from '../../server/src/engine-link/engine-commands.client';
import { EngineLeasesService } from '../../server/src/engine-link/engine-leases.service';
import { EngineRegistry } from '../../server/src/engine-link/engine-registry.service';
import { EngineSystem } from './engine-system-kit';

const describeWithBrowser = existsSync(FAKE_WHATSAPP_CHROMIUM_PATH) ? describe : describe.skip;
const PHONE = '6281234567201';
const CUSTOMER = '6289876543299@c.us';

/**
 * Two engines on the real whatsapp-web.js in real Chromium against the fake WhatsApp Web, and the
 * real server routing its commands between them through the engine registry.
 */
describeWithBrowser('the server routes commands between several engines', () => {
  jest.setTimeout(240_000);
  const system = new EngineSystem();

  beforeAll(() => system.start());
  afterAll(() => system.stop());

  const server = () => system.server.app.get(EngineCommandsClient);
  const registry = () => system.server.app.get(EngineRegistry);

  async function registered(ids: string[]): Promise<EngineView[]> {
    let views: EngineView[] = [];
    await waitFor(
      async () => {
        views = (await registry().list()).filter((v) => v.live);
        return ids.every((id) => views.some((v) => v.engine_id === id));
      },
      `engines ${ids.join(', ')} in the server's registry`,
      15_000,
      () => JSON.stringify(views),
    );
    return views;
  }

  it('sends a command for a session held by engine B to B, and a new session to the less loaded engine', async () => {
    const c = await system.startEngine({ id: 'engine-c' });
    const b = await system.startEngine({ id: 'engine-b' });
    const views = await registered(['engine-c', 'engine-b']);
    expect(views.find((v) => v.engine_id === 'engine-b')).toMatchObject({
      url: b.url,
      sessions: 0,
      max_sessions: 50,
    });

    // Linked on B directly: the server learns it only from B's lease and events.
    const held = await system.createSession();
    const pending = new Set(system.fake.pendingQrs());
    expect((await system.command(b, 'startSession', held.sessionId, {})).status).toBe(202);
    const qr = await system.fake.waitForQr({ exclude: [...pending], timeoutMs: 60_000 });
    await system.fake.scanQr(qr, { phone: PHONE, pushname: 'Shop B' });
    expect((await system.statusIs(held.sessionId, 'connected', undefined, 60_000)).engineId).toBe(
      'engine-b',
    );
    // Engine C does not run it: a command sent there would fail.
    expect((await system.command(c, 'sessionStatus', held.sessionId)).status).toBe(404);

    const status = await server().sessionStatus(held.sessionId);
    expect(status).toMatchObject({ session_id: held.sessionId, status: 'connected' });
    const sent = await server().sendText(held.sessionId, {
      chat_id: CUSTOMER,
      text: 'Sent through the server, carried by engine B',
      idempotency_key: 'routing-1',
    });
    const delivered = await system.fake.waitForSentMessage(
      (m) => m.id === sent.provider_message_id,
    );
    expect(delivered).toMatchObject({
      to: CUSTOMER,
      body: 'Sent through the server, carried by engine B',
    });

    // B announces its session; C has none, so a new session starts on C (a tie would go to B,
    // whose id sorts first: only the load picks C).
    await waitFor(
      async () => (await registry().list()).find((v) => v.engine_id === 'engine-b')?.sessions === 1,
      "engine B's session count in the registry",
      15_000,
    );
    const fresh = await system.createSession();
    expect(await server().startSession(fresh.sessionId)).toMatchObject({
      session_id: fresh.sessionId,
    });
    await system.statusIs(fresh.sessionId, 'qr_scanning', undefined, 60_000);
    expect(await system.server.app.get(EngineLeasesService).holder(fresh.sessionId)).toBe(
      'engine-c',
    );
    expect((await system.row(fresh.sessionId)).engineId).toBe('engine-c');
    expect((await system.command(c, 'sessionStatus', fresh.sessionId)).status).toBe(200);

    // An engine that shuts down leaves the registry at once.
    await c.stop();
    expect((await registry().list()).map((v) => v.engine_id)).toEqual(['engine-b']);
    await b.stop();
  });
});
