import {
  RealtimeEvent,
  SessionErrorReason,
  type WhatsappSessionDetailView,
} from '@switchboard/contracts';
import { waitFor, type FakeWhatsAppClient } from '@switchboard/testing';
import { BroadcasterService } from '../src/realtime/broadcaster.service';
import {
  adminWorkspace,
  sessionRow,
  startSessionsWorld,
  type SessionsWorld,
} from './sessions-test-kit';

const ENGINE_WAIT_MS = 20_000;
jest.setTimeout(90_000);

/**
 * What the numbers page needs of the API beyond the list: the scan window of a number opened in
 * the middle of a scan, and linking by a pairing code instead of a QR.
 */
describe('numbers API for the admin page', () => {
  let w: SessionsWorld;
  let headers: Record<string, string>;

  beforeAll(async () => {
    w = await startSessionsWorld();
    ({ headers } = await adminWorkspace(w.t, 'Numbers page shop', 10));
  });
  afterAll(() => w.close());

  const http = () => w.t.http();

  async function create(): Promise<WhatsappSessionDetailView> {
    return (
      await http().post('/api/sessions').set(headers).send({ provider_type: 'webjs' }).expect(201)
    ).body as WhatsappSessionDetailView;
  }

  async function show(uuid: string): Promise<WhatsappSessionDetailView> {
    return (await http().get(`/api/sessions/${uuid}`).set(headers).expect(200))
      .body as WhatsappSessionDetailView;
  }

  async function until(
    uuid: string,
    done: (view: WhatsappSessionDetailView) => boolean,
    what: string,
  ): Promise<WhatsappSessionDetailView> {
    let view: WhatsappSessionDetailView | null = null;
    await waitFor(
      async () => done((view = await show(uuid))),
      what,
      ENGINE_WAIT_MS,
      () => JSON.stringify(view),
    );
    return view!;
  }

  async function latestClient(uuid: string): Promise<FakeWhatsAppClient> {
    const sessionId = (await sessionRow(w.t, uuid))!.sessionId;
    return w.clients.clients.filter((c) => c.sessionId === sessionId).at(-1)!;
  }

  it('shows the end of the scan window with the QR, and forgets both once linked', async () => {
    const before = Date.now();
    const created = await create();
    const scanning = await until(created.uuid, (v) => v.qr_code !== null, 'the QR');

    expect(scanning.pairing_code).toBeNull();
    const endsAt = Date.parse(scanning.qr_window_ends_at!);
    // The engine's default window is five minutes from its first QR.
    expect(endsAt).toBeGreaterThan(before + 4 * 60_000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 5 * 60_000);

    (await latestClient(created.uuid)).link('6281234567890');
    const linked = await until(created.uuid, (v) => v.status === 'connected', 'connected');
    expect(linked).toMatchObject({
      phone_number: '+6281234567890',
      qr_code: null,
      pairing_code: null,
      qr_window_ends_at: null,
    });
  });

  it('links by a pairing code for the phone typed, and goes back to a QR on "regenerate"', async () => {
    const created = await create();
    await until(created.uuid, (v) => v.qr_code !== null, 'the QR');

    const res = await http()
      .post(`/api/sessions/${created.uuid}/pairing-code`)
      .set(headers)
      .send({ phone_number: '+6285550001111' })
      .expect(202);
    expect((res.body as WhatsappSessionDetailView).qr_code).toBeNull();

    const withCode = await until(created.uuid, (v) => v.pairing_code !== null, 'a pairing code');
    const client = await latestClient(created.uuid);
    expect(client.options.pairingPhoneNumber).toBe('6285550001111');
    expect(withCode.status).toBe('qr_scanning');
    expect(withCode.qr_code).toBeNull();
    expect(Date.parse(withCode.qr_window_ends_at!)).toBeGreaterThan(Date.now());

    await http().post(`/api/sessions/${created.uuid}/regenerate-qr`).set(headers).expect(202);
    const qrAgain = await until(created.uuid, (v) => v.qr_code !== null, 'a QR again');
    expect(qrAgain.pairing_code).toBeNull();
    expect((await latestClient(created.uuid)).options.pairingPhoneNumber).toBeUndefined();
  });

  it('refuses a pairing code for a malformed phone and for a linked number', async () => {
    const created = await create();

    const malformed = await http()
      .post(`/api/sessions/${created.uuid}/pairing-code`)
      .set(headers)
      .send({ phone_number: '0812-not-a-phone' })
      .expect(400);
    expect(malformed.body.error.details.fields).toEqual([
      {
        field: 'phone_number',
        problems: ['must be the phone number in international format, such as +6281234567890'],
      },
    ]);

    await until(created.uuid, (v) => v.qr_code !== null, 'the QR');
    (await latestClient(created.uuid)).link('6281299990000');
    await until(created.uuid, (v) => v.status === 'connected', 'connected');
    const linked = await http()
      .post(`/api/sessions/${created.uuid}/pairing-code`)
      .set(headers)
      .send({ phone_number: '6281299990000' })
      .expect(409);
    expect(linked.body.error.details.reason).toBe(SessionErrorReason.INVALID_STATUS);
  });

  it('says which workspace in the events as a number, as the contract does, on every database', async () => {
    const broadcast = jest.spyOn(w.t.app.get(BroadcasterService), 'broadcast');
    try {
      const created = await create();
      await until(created.uuid, (v) => v.qr_code !== null, 'the QR');
      (await latestClient(created.uuid)).link('6281288880000');
      await until(created.uuid, (v) => v.status === 'connected', 'connected');

      const payloads = broadcast.mock.calls
        .filter(([, event]) =>
          [RealtimeEvent.QR_CODE_GENERATED, RealtimeEvent.SESSION_STATUS_CHANGED].includes(
            event as never,
          ),
        )
        .map(([, event, payload]) => ({
          event,
          workspace_id: (payload as { workspace_id: unknown }).workspace_id,
        }));
      expect(payloads.map((p) => p.event)).toEqual(
        expect.arrayContaining([
          RealtimeEvent.QR_CODE_GENERATED,
          RealtimeEvent.SESSION_STATUS_CHANGED,
        ]),
      );
      const workspaceId = Number(headers['x-workspace-id']);
      for (const payload of payloads) expect(payload.workspace_id).toBe(workspaceId);
    } finally {
      broadcast.mockRestore();
    }
  });
});
