import { waitFor } from '@switchboard/testing';
import { EngineErrorCode } from '@switchboard/contracts';
import { EngineException } from '../common/engine.exception';
import { createTestHost, shutdownTestHosts } from './testing/test-host';
import { PHONE_READ_INTERVAL_MS, QR_LIFETIME_MS, reconnectDelayMs } from './whatsapp-session';

const PEER = '6281234567890@c.us';

async function linked(
  sessionId = 's1',
  phone = '6285550001',
  overrides: Parameters<typeof createTestHost>[0] = {},
) {
  const t = createTestHost(overrides);
  await t.sut.start(sessionId, {});
  const client = t.factory.latest(sessionId);
  await t.outbox.waitFor('session.qr');
  client.link(phone);
  await t.outbox.waitFor('session.status', (e) => e.data.status === 'connected');
  return { ...t, client };
}

/** The EngineException a call rejects with; fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<EngineException> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof EngineException)) throw error;
  return error;
}

function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof EngineException ? error.code : String(error)),
  );
}

describe('SessionHostService', () => {
  afterEach(async () => {
    jest.useRealTimers();
    await shutdownTestHosts();
  });

  describe('QR lifecycle', () => {
    it('pushes each QR at once with a PNG data URL, its expiry and the window end', async () => {
      const { sut, factory, outbox, config } = createTestHost();
      const view = await sut.start('s1', {});
      expect(view).toMatchObject({ session_id: 's1', engine_id: 'engine-test' });
      const client = factory.latest('s1');

      const first = await outbox.waitFor('session.qr');
      expect(first.data.qr).toBe(client.qrs[0]);
      expect(first.data.qr_data_url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      const shown = Date.parse(first.occurred_at);
      expect(Date.parse(first.data.expires_at) - shown).toBeGreaterThanOrEqual(QR_LIFETIME_MS - 50);
      expect(Date.parse(first.data.window_ends_at) - shown).toBeGreaterThanOrEqual(
        config.qrWindowMs - 50,
      );

      const refreshed = client.emitQr();
      const second = await outbox.waitFor('session.qr', (e) => e.data.qr === refreshed);
      // A refreshed QR does not extend the window.
      expect(second.data.window_ends_at).toBe(first.data.window_ends_at);
      expect(sut.status('s1')).toMatchObject({
        status: 'qr_scanning',
        qr: { qr: refreshed, qr_data_url: second.data.qr_data_url },
      });
      expect(outbox.statuses()).toEqual(['initializing', 'qr_scanning']);
      expect(second.sequence).toBeGreaterThan(first.sequence);
    });

    it('stops with qr_expired and destroys the client when nobody scans within the window', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const { sut, factory, outbox, config } = createTestHost({ qrWindowMs: 60_000 });
      await sut.start('s1', {});
      await outbox.waitFor('session.qr');
      const client = factory.latest('s1');

      await jest.advanceTimersByTimeAsync(config.qrWindowMs - 1);
      expect(client.destroyed).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await outbox.waitFor('session.status', (e) => e.data.reason === 'qr_expired');

      expect(client.destroyed).toBe(true);
      expect(sut.status('s1')).toMatchObject({
        status: 'disconnected',
        reason: 'qr_expired',
        qr: null,
      });
      expect(sut.counts()).toEqual({ total: 1, running: 0 });
      // A QR the stale client shows later is ignored.
      client.emitQr();
      await sut.settled('s1');
      expect(outbox.ofType('session.qr')).toHaveLength(1);
    });

    it('regenerates: a fresh client, a fresh QR and a fresh window', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const { sut, factory, outbox } = createTestHost({ qrWindowMs: 60_000 });
      await sut.start('s1', {});
      const first = await outbox.waitFor('session.qr');
      await jest.advanceTimersByTimeAsync(50_000);

      await sut.regenerateQr('s1');
      const second = await outbox.waitFor('session.qr', (e) => e.data.qr !== first.data.qr);
      expect(factory.clientsOf('s1')).toHaveLength(2);
      expect(factory.clientsOf('s1')[0]!.destroyed).toBe(true);
      expect(Date.parse(second.data.window_ends_at)).toBe(
        Date.parse(first.data.window_ends_at) + 50_000,
      );

      // The old window no longer applies.
      await jest.advanceTimersByTimeAsync(20_000);
      expect(sut.status('s1').status).toBe('qr_scanning');
      await jest.advanceTimersByTimeAsync(40_000);
      await outbox.waitFor('session.status', (e) => e.data.reason === 'qr_expired');

      // After expiry a regenerate starts the session again.
      await sut.regenerateQr('s1');
      await outbox.waitFor('session.qr', (e) => e.data.qr === factory.latest('s1').qrs[0]);
      expect(factory.clientsOf('s1')).toHaveLength(3);
    });

    it('refuses a new QR for a linked session', async () => {
      const { sut, outbox } = await linked();
      const error = await failure(sut.regenerateQr('s1'));
      expect(error).toMatchObject({
        code: EngineErrorCode.INVALID_SESSION_STATE,
        details: { status: 'connected' },
      });
      expect(outbox.statuses()).toEqual([
        'initializing',
        'qr_scanning',
        'authenticated',
        'connected',
      ]);
    });

    it('links by pairing code when asked', async () => {
      const { sut, factory, outbox } = createTestHost();
      await sut.start('s1', { pairing_phone_number: '6285550001' });
      const code = await outbox.waitFor('session.pairing_code');
      expect(factory.latest('s1').options).toEqual({ pairingPhoneNumber: '6285550001' });
      expect(code.data.code).toMatch(/^[0-9A-F]{8}$/);
      expect(sut.status('s1')).toMatchObject({
        status: 'qr_scanning',
        pairing_code: code.data.code,
      });
      expect(outbox.ofType('session.qr')).toHaveLength(0);
    });
  });

  describe('ready', () => {
    it('reports connected with the phone number from client.info.wid', async () => {
      const { sut, outbox } = await linked('s1', '6285550001');
      const connected = await outbox.waitFor(
        'session.status',
        (e) => e.data.status === 'connected',
      );
      expect(connected.data).toEqual({
        status: 'connected',
        reason: null,
        phone: '6285550001',
        wid: '6285550001@c.us',
      });
      expect(sut.status('s1')).toMatchObject({
        status: 'connected',
        phone: '6285550001',
        qr: null,
      });
    });

    it('waits for client.info when the library fills it late', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const { sut, factory, outbox } = createTestHost();
      await sut.start('s1', {});
      await outbox.waitFor('session.qr');
      factory.latest('s1').link('6285550001', { infoDelayMs: 3 * PHONE_READ_INTERVAL_MS });
      await jest.advanceTimersByTimeAsync(4 * PHONE_READ_INTERVAL_MS);
      const connected = await outbox.waitFor(
        'session.status',
        (e) => e.data.status === 'connected',
      );
      expect(connected.data.phone).toBe('6285550001');
    });

    it('keeps a @lid identity apart from phone numbers', async () => {
      const { sut, factory, outbox } = createTestHost();
      await sut.start('s1', {});
      await outbox.waitFor('session.qr');
      factory.latest('s1').link('6285550001', { lid: '140737488355328' });
      const connected = await outbox.waitFor(
        'session.status',
        (e) => e.data.status === 'connected',
      );
      expect(connected.data).toMatchObject({ wid: '140737488355328@lid', phone: null });
    });

    it('restarts from the stored login without a QR', async () => {
      const { sut, factory, outbox } = await linked();
      await sut.restart('s1');
      await outbox.waitFor(
        'session.status',
        (e) => e.data.status === 'connected' && e.sequence > 4,
      );
      expect(factory.clientsOf('s1')).toHaveLength(2);
      expect(factory.clientsOf('s1')[0]!.destroyed).toBe(true);
      expect(outbox.ofType('session.qr')).toHaveLength(1);
    });
  });

  describe('messages', () => {
    it('maps an inbound text message', async () => {
      const { client, outbox } = await linked();
      const sent = client.receive({ from: PEER, body: 'hello', timestamp: 1_764_000_000 });
      const { data } = await outbox.waitFor('message.received');
      expect(data.message).toEqual({
        provider_message_id: sent.id._serialized,
        chat_id: PEER,
        chat_kind: 'phone',
        from: { id: PEER, kind: 'phone', phone: '6281234567890' },
        to: { id: '6285550001@c.us', kind: 'phone', phone: '6285550001' },
        from_me: false,
        is_group: false,
        author: null,
        type: 'chat',
        body: 'hello',
        timestamp: 1_764_000_000,
        media: null,
        quoted_message_id: null,
        status: 'sent',
      });
    });

    it('maps group messages with their author, media metadata and the quoted id', async () => {
      const { client, outbox } = await linked();
      client.receive({
        from: '120363025555555555@g.us',
        author: '99887766554433@lid',
        body: 'see attached',
        quotedId: '3EB0AAAA',
        media: { mimetype: 'application/pdf', data: 'JVBERi0xLjQ=', filename: 'invoice.pdf' },
      });
      const { data } = await outbox.waitFor('message.received');
      expect(data.message).toMatchObject({
        chat_id: '120363025555555555@g.us',
        chat_kind: 'group',
        is_group: true,
        author: { id: '99887766554433@lid', kind: 'lid', phone: null },
        type: 'document',
        body: 'see attached',
        media: { mimetype: 'application/pdf', filename: 'invoice.pdf', size: 8 },
        quoted_message_id: '3EB0AAAA',
      });
      expect(JSON.stringify(data)).not.toContain('JVBERi0xLjQ=');
    });

    it('keeps a @lid sender distinct from a phone number', async () => {
      const { client, outbox } = await linked();
      client.receive({ from: '140737488355328@lid', body: 'hi' });
      const { data } = await outbox.waitFor('message.received');
      expect(data.message).toMatchObject({
        chat_id: '140737488355328@lid',
        chat_kind: 'lid',
        from: { id: '140737488355328@lid', kind: 'lid', phone: null },
      });
    });

    it('ignores status@broadcast entirely', async () => {
      const { sut, client, outbox } = await linked();
      const story = client.receive({ from: 'status@broadcast', author: PEER, body: 'my story' });
      client.ack(story, 3);
      client.receive({ from: PEER, body: 'after' });
      await outbox.waitFor('message.received');
      await sut.settled('s1');
      expect(outbox.ofType('message.received').map((e) => e.data.message.body)).toEqual(['after']);
      expect(outbox.ofType('message.ack')).toHaveLength(0);
    });

    it('reports messages typed on the phone, but not the ones the engine sent', async () => {
      const { sut, client, outbox } = await linked();
      const result = await sut.sendText('s1', {
        chat_id: PEER,
        text: 'from api',
        idempotency_key: 'k1',
      });
      const typed = client.sendFromPhone(PEER, 'from phone');
      await outbox.waitFor('message.sent_from_phone');
      await sut.settled('s1');
      const fromPhone = outbox.ofType('message.sent_from_phone');
      expect(fromPhone).toHaveLength(1);
      expect(fromPhone[0]!.data.message).toMatchObject({
        provider_message_id: typed.id._serialized,
        from_me: true,
        chat_id: PEER,
        body: 'from phone',
      });
      expect(fromPhone[0]!.data.message.provider_message_id).not.toBe(result.provider_message_id);
    });

    it('moves acks forward only', async () => {
      const { sut, client, outbox } = await linked();
      const result = await sut.sendText('s1', { chat_id: PEER, text: 'x', idempotency_key: 'k1' });
      const id = result.provider_message_id;
      client.ack(id, 1);
      client.ack(id, 3);
      client.ack(id, 2); // a late "delivered" after "read"
      client.ack(id, 1);
      client.ack(id, 4);
      client.ack(id, 3);
      client.ack(id, 9); // not a level the library defines
      await sut.settled('s1');
      expect(outbox.ofType('message.ack').map((e) => e.data.status)).toEqual([
        'sent',
        'read',
        'played',
      ]);
      expect(outbox.ofType('message.ack')[0]!.data).toEqual({
        provider_message_id: id,
        chat_id: PEER,
        status: 'sent',
      });
    });

    it('reports edits and revokes', async () => {
      const { sut, client, outbox } = await linked();
      const message = client.receive({ from: PEER, body: 'teh' });
      client.edit(message, 'the');
      client.revoke(message);
      await sut.settled('s1');
      expect(outbox.ofType('message.edited')[0]!.data).toEqual({
        provider_message_id: message.id._serialized,
        chat_id: PEER,
        body: 'the',
      });
      expect(outbox.ofType('message.revoked')[0]!.data).toEqual({
        provider_message_id: message.id._serialized,
        chat_id: PEER,
      });
    });
  });

  describe('sending', () => {
    it('never sends the same idempotency key twice and returns the first result', async () => {
      const { sut, client } = await linked();
      const request = { chat_id: PEER, text: 'once', idempotency_key: 'order-42' };
      const first = await sut.sendText('s1', request);
      const again = await sut.sendText('s1', request);
      expect(again).toEqual(first);
      expect(first).toMatchObject({
        idempotency_key: 'order-42',
        chat_id: PEER,
        status: 'pending',
      });
      expect(client.sent).toHaveLength(1);
    });

    it('sends concurrent duplicates once; they all get the first result', async () => {
      const { sut, client } = await linked();
      client.holdSends();
      const request = { chat_id: PEER, text: 'once', idempotency_key: 'order-43' };
      const racing = [1, 2, 3].map(() => sut.sendText('s1', request));
      client.releaseSends();
      const results = await Promise.all(racing);
      expect(new Set(results.map((r) => r.provider_message_id)).size).toBe(1);
      expect(client.sent).toHaveLength(1);
    });

    it('refuses to reuse a key for a different message', async () => {
      const { sut } = await linked();
      await sut.sendText('s1', { chat_id: PEER, text: 'a', idempotency_key: 'k' });
      expect(
        await codeOf(sut.sendText('s1', { chat_id: PEER, text: 'b', idempotency_key: 'k' })),
      ).toBe(EngineErrorCode.IDEMPOTENCY_KEY_REUSED);
    });

    it('keeps a send that may have reached WhatsApp from being retried into a duplicate', async () => {
      const { sut, client } = await linked();
      client.failNextSend();
      const request = { chat_id: PEER, text: 'x', idempotency_key: 'k' };
      expect(await codeOf(sut.sendText('s1', request))).toBe(EngineErrorCode.PROVIDER_ERROR);
      expect(await codeOf(sut.sendText('s1', request))).toBe(EngineErrorCode.PROVIDER_ERROR);
      expect(client.sent).toHaveLength(0);
    });

    it('sends media with its caption', async () => {
      const { sut, client } = await linked();
      await sut.sendMedia('s1', {
        chat_id: PEER,
        idempotency_key: 'm1',
        caption: 'look',
        media: { base64: 'iVBORw0KGgo=', mimetype: 'image/png', filename: 'a.png' },
      });
      expect(client.sent[0]).toMatchObject({
        chatId: PEER,
        content: { mimetype: 'image/png', data: 'iVBORw0KGgo=', filename: 'a.png' },
        options: { caption: 'look' },
      });
    });

    it('marks a chat read and fetches media on demand', async () => {
      const { sut, client } = await linked();
      expect(await sut.markRead('s1', PEER)).toEqual({ chat_id: PEER, ok: true });
      expect(client.seen).toEqual([PEER]);
      const photo = client.receive({
        from: PEER,
        media: { mimetype: 'image/jpeg', data: '/9j/4AAQ', filename: 'p.jpg' },
      });
      expect(await sut.media('s1', photo.id._serialized)).toEqual({
        provider_message_id: photo.id._serialized,
        mimetype: 'image/jpeg',
        filename: 'p.jpg',
        size: 6,
        base64: '/9j/4AAQ',
      });
      expect(await codeOf(sut.media('s1', 'false_x@c.us_NOPE'))).toBe(
        EngineErrorCode.MESSAGE_NOT_FOUND,
      );
    });

    it('answers 404 for an unknown session and 409 with the status when not connected', async () => {
      const { sut, outbox } = createTestHost();
      const request = { chat_id: PEER, text: 'x', idempotency_key: 'k' };
      const missing = await failure(sut.sendText('nope', request));
      expect(missing).toMatchObject({ code: EngineErrorCode.SESSION_NOT_FOUND });
      expect(missing.getStatus()).toBe(404);
      expect(() => sut.status('nope')).toThrow(EngineException);
      expect(await codeOf(sut.stop('nope'))).toBe(EngineErrorCode.SESSION_NOT_FOUND);

      await sut.start('s1', {});
      await outbox.waitFor('session.qr');
      const notConnected = await failure(sut.sendText('s1', request));
      expect(notConnected).toMatchObject({
        code: EngineErrorCode.SESSION_NOT_CONNECTED,
        details: { status: 'qr_scanning' },
      });
      expect(notConnected.getStatus()).toBe(409);
      expect(await codeOf(sut.markRead('s1', PEER))).toBe(EngineErrorCode.SESSION_NOT_CONNECTED);
    });

    it('lets a key be used again after a send refused for not being connected', async () => {
      const { sut, factory, outbox } = createTestHost();
      await sut.start('s1', {});
      await outbox.waitFor('session.qr');
      const request = { chat_id: PEER, text: 'x', idempotency_key: 'k' };
      expect(await codeOf(sut.sendText('s1', request))).toBe(EngineErrorCode.SESSION_NOT_CONNECTED);
      factory.latest('s1').link('6285550001');
      await outbox.waitFor('session.status', (e) => e.data.status === 'connected');
      await expect(sut.sendText('s1', request)).resolves.toMatchObject({ idempotency_key: 'k' });
    });
  });

  describe('lifecycle', () => {
    it('starts clients a few at a time; the next starts when one shows its QR or stops', async () => {
      const { sut, factory, outbox } = createTestHost({ startConcurrency: 2 });
      factory.onCreate = (client) => client.holdInitialize();
      for (const id of ['s1', 's2', 's3', 's4']) await sut.start(id, {});
      const initialized = () =>
        ['s1', 's2', 's3', 's4'].filter((id) => factory.latest(id).initialized);
      expect(initialized()).toEqual(['s1', 's2']);
      expect(sut.status('s3').status).toBe('initializing');
      expect(sut.startCounts()).toEqual({ starting: 2, queued: 2 });

      factory.latest('s1').releaseInitialize();
      await outbox.waitFor('session.qr', (e) => e.session_id === 's1');
      await waitFor(() => initialized().length === 3, 's3 to start');
      expect(initialized()).toEqual(['s1', 's2', 's3']);

      await sut.stop('s2'); // a start given up frees its slot too
      await waitFor(() => initialized().length === 4, 's4 to start');
      factory.latest('s3').releaseInitialize();
      factory.latest('s4').releaseInitialize();
      await outbox.waitFor('session.qr', (e) => e.session_id === 's4');
      expect(sut.startCounts()).toEqual({ starting: 0, queued: 0 });
    });

    it('serializes lifecycle commands per session', async () => {
      const { sut, factory, outbox } = createTestHost();
      const [a, b] = await Promise.all([sut.start('s1', {}), sut.start('s1', {})]);
      expect(a.status).toBe('initializing');
      expect(b.status).not.toBe('disconnected');
      expect(factory.clientsOf('s1')).toHaveLength(1);
      await Promise.all([sut.stop('s1'), sut.start('s1', {}), sut.stop('s1')]);
      await sut.settled('s1');
      expect(sut.status('s1')).toMatchObject({ status: 'disconnected', reason: 'user_initiated' });
      expect(factory.clientsOf('s1').every((c) => c.destroyed)).toBe(true);
      expect(outbox.statuses().slice(-1)).toEqual(['disconnected/user_initiated']);
    });

    it('stops keeping the login, logs out dropping it', async () => {
      const { sut, factory } = await linked();
      await sut.stop('s1');
      expect(factory.hasStoredLogin('s1')).toBe(true);
      await sut.start('s1', {});
      await sut.logout('s1');
      expect(factory.latest('s1').loggedOut || !factory.hasStoredLogin('s1')).toBe(true);
      expect(factory.hasStoredLogin('s1')).toBe(false);
      expect(sut.status('s1')).toMatchObject({ status: 'disconnected', reason: 'logged_out' });
    });

    it('treats a logout on the phone as the end of the login', async () => {
      const { sut, client, factory, outbox } = await linked();
      client.phoneLogout();
      await outbox.waitFor('session.status', (e) => e.data.reason === 'logged_out');
      expect(client.destroyed).toBe(true);
      expect(factory.hasStoredLogin('s1')).toBe(false);
      expect(sut.counts().running).toBe(0);
    });

    it('reconnects from the stored login after a lost connection', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const { sut, client, factory, outbox } = await linked();
      client.disconnect('CONFLICT');
      const recovery = await outbox.waitFor('session.recovery');
      expect(recovery.data).toEqual({ reason: 'connection_lost', attempt: 1, detail: 'CONFLICT' });
      expect(sut.status('s1').status).toBe('reconnecting');
      await jest.advanceTimersByTimeAsync(5_000);
      await outbox.waitFor(
        'session.status',
        (e) => e.data.status === 'connected' && e.sequence > 5,
      );
      expect(factory.clientsOf('s1')).toHaveLength(2);
      expect(outbox.statuses().slice(-4)).toEqual([
        'reconnecting',
        'initializing',
        'authenticated',
        'connected',
      ]);
    });

    it('waits 5, 10, 20, 40 s between reconnects, capped, then gives up as failed', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const reconnect = { baseDelayMs: 5_000, maxDelayMs: 20_000, maxAttempts: 4 };
      const { sut, client, factory, outbox } = await linked('s1', '6285550001', { reconnect });
      factory.onCreate = (next) => next.failInitialize();
      client.disconnect('CONFLICT');
      const waits: number[] = [];
      for (let attempt = 1; attempt <= reconnect.maxAttempts; attempt++) {
        await outbox.waitFor('session.recovery', (e) => e.data.attempt === attempt);
        const clients = factory.clientsOf('s1').length;
        // Not a moment before its pause is over…
        await jest.advanceTimersByTimeAsync(reconnectDelayMs(attempt, reconnect) - 1);
        expect(factory.clientsOf('s1')).toHaveLength(clients);
        await jest.advanceTimersByTimeAsync(1);
        expect(factory.clientsOf('s1')).toHaveLength(clients + 1);
        waits.push(reconnectDelayMs(attempt, reconnect));
      }
      expect(waits).toEqual([5_000, 10_000, 20_000, 20_000]);
      await outbox.waitFor('session.status', (e) => e.data.status === 'failed');
      expect(outbox.ofType('session.recovery').map((e) => e.data.reason)).toEqual([
        'connection_lost',
        'initialize_failed',
        'initialize_failed',
        'initialize_failed',
      ]);
      expect(sut.counts().running).toBe(0);
    });

    it('never reconnects after the phone logged out', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const { client, factory, outbox } = await linked();
      client.phoneLogout();
      // Long enough for the logout to settle and for every reconnect a lost connection gets.
      await jest.advanceTimersByTimeAsync(600_000);
      await outbox.waitFor('session.status', (e) => e.data.reason === 'logged_out');
      expect(factory.clientsOf('s1')).toHaveLength(1);
      expect(outbox.ofType('session.recovery')).toHaveLength(0);
    });

    it('kills the browser when destroy hangs', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      const { sut, factory, outbox, config } = createTestHost({ destroyTimeoutMs: 5_000 });
      await sut.start('s1', {});
      await outbox.waitFor('session.qr');
      const client = factory.latest('s1');
      client.hangOnDestroy();
      const stopping = sut.stop('s1');
      await jest.advanceTimersByTimeAsync(config.destroyTimeoutMs);
      await expect(stopping).resolves.toMatchObject({ status: 'disconnected' });
      expect(client.pupBrowser.killed).toEqual(['SIGKILL']);
    });

    it('refuses a session beyond the engine cap with ENGINE_FULL', async () => {
      const { sut, outbox } = createTestHost({ maxSessions: 2 });
      await sut.start('a', {});
      await sut.start('b', {});
      const full = await failure(sut.start('c', {}));
      expect(full).toMatchObject({ code: EngineErrorCode.ENGINE_FULL });
      expect(full.getStatus()).toBe(429);
      expect(() => sut.status('c')).toThrow(EngineException);
      await sut.stop('a');
      await expect(sut.start('c', {})).resolves.toMatchObject({ status: 'initializing' });
      await sut.settled('c');
      expect(outbox.events.filter((e) => e.session_id === 'c').length).toBeGreaterThan(0);
    });
  });
});
