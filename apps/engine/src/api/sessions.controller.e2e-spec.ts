import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { engineRoutePath, type EngineRouteName } from '@switchboard/contracts';
import { signRequest } from '@switchboard/contracts/node';
import { FakeWhatsAppClientFactory } from '@switchboard/testing';
import pino from 'pino';
import request from 'supertest';
import { createEngineApp } from '../create-engine-app';
import { InMemoryServerLink } from '../server-link/testing/in-memory-server-link';
import { SessionHostService } from '../sessions/session-host.service';
import { TEST_SECRET, testEngineConfig } from '../sessions/testing/test-host';

interface CallOptions {
  secret?: string;
  timestamp?: number;
  requestId?: string;
  /** Send these bytes instead of the ones that were signed. */
  tamperedBody?: string;
}

describe('engine command API (signed HTTP)', () => {
  let app: NestExpressApplication;
  let server: Server;
  let factory: FakeWhatsAppClientFactory;
  let host: SessionHostService;

  beforeEach(async () => {
    factory = new FakeWhatsAppClientFactory();
    const config = testEngineConfig({
      serverUrl: 'http://127.0.0.1:9',
      callbacks: { ...testEngineConfig().callbacks, maxAttempts: 1 },
    });
    app = await createEngineApp(config, pino({ level: 'silent' }), {
      clientFactory: factory,
      serverLink: new InMemoryServerLink(config.engineId),
    });
    await app.init();
    server = app.getHttpServer();
    host = app.get(SessionHostService);
  });

  afterEach(() => app.close());

  function call(
    route: EngineRouteName,
    params: { sessionId: string; messageId?: string },
    body?: unknown,
    options: CallOptions = {},
  ) {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers = signRequest(
      options.secret ?? TEST_SECRET,
      raw,
      options.requestId ?? randomUUID(),
      options.timestamp,
    );
    const path = engineRoutePath(route, params);
    if (body === undefined) return request(server).get(path).set(headers);
    return request(server)
      .post(path)
      .set(headers)
      .set('content-type', 'application/json')
      .send(options.tamperedBody ?? raw);
  }

  async function linkedSession(sessionId: string) {
    await call('startSession', { sessionId }, {}).expect(202);
    const client = factory.latest(sessionId);
    client.link('6285550001');
    await host.settled(sessionId);
    expect(host.status(sessionId).status).toBe('connected');
    return client;
  }

  it('starts a session on a signed command and answers 202 with its status', async () => {
    const res = await call('startSession', { sessionId: 'wa-1' }, {}).expect(202);
    expect(res.body).toMatchObject({
      session_id: 'wa-1',
      engine_id: 'engine-test',
      status: expect.stringMatching(/initializing|qr_scanning/),
    });
    expect(factory.clientsOf('wa-1')).toHaveLength(1);
    await host.settled('wa-1');
    const status = await call('sessionStatus', { sessionId: 'wa-1' }).expect(200);
    expect(status.body.qr.qr_data_url).toMatch(/^data:image\/png;base64,/);
  });

  it('rejects a wrong signature with 401 and does nothing', async () => {
    const res = await call('startSession', { sessionId: 'wa-1' }, {}, { secret: 'x'.repeat(40) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: {
        code: 'UNAUTHENTICATED',
        message: 'Request signature rejected',
        details: { reason: 'bad_signature' },
      },
    });
    expect(factory.clients).toHaveLength(0);
    await call('sessionStatus', { sessionId: 'wa-1' }).expect(404);
  });

  it('rejects a body other than the one signed', async () => {
    const res = await call(
      'startSession',
      { sessionId: 'wa-1' },
      {},
      { tamperedBody: JSON.stringify({ pairing_phone_number: '6285550001' }) },
    );
    expect(res.status).toBe(401);
    expect(factory.clients).toHaveLength(0);
  });

  it('rejects a stale timestamp with 401 and does nothing', async () => {
    const stale = Math.floor(Date.now() / 1000) - 301;
    const res = await call('startSession', { sessionId: 'wa-1' }, {}, { timestamp: stale });
    expect(res.status).toBe(401);
    expect(res.body.error.details).toEqual({ reason: 'stale_timestamp' });
    expect(factory.clients).toHaveLength(0);
  });

  it('rejects unsigned requests', async () => {
    const res = await request(server).post('/sessions/wa-1/start').send({});
    expect(res.status).toBe(401);
    expect(res.body.error.details).toEqual({ reason: 'missing_headers' });
    expect(factory.clients).toHaveLength(0);
  });

  it('rejects a replayed X-Request-Id with 401 and does nothing', async () => {
    const requestId = randomUUID();
    const timestamp = Math.floor(Date.now() / 1000);
    await call('startSession', { sessionId: 'wa-1' }, {}, { requestId, timestamp }).expect(202);
    await call('stopSession', { sessionId: 'wa-1' }, {}).expect(200);

    const replay = await call('startSession', { sessionId: 'wa-1' }, {}, { requestId, timestamp });
    expect(replay.status).toBe(401);
    expect(replay.body.error.details).toEqual({ reason: 'replayed_request' });
    expect(factory.clientsOf('wa-1')).toHaveLength(1);
    const status = await call('sessionStatus', { sessionId: 'wa-1' }).expect(200);
    expect(status.body).toMatchObject({ status: 'disconnected', reason: 'user_initiated' });
  });

  it('answers 404 SESSION_NOT_FOUND for a session this engine does not hold', async () => {
    const res = await call(
      'sendText',
      { sessionId: 'ghost' },
      { chat_id: '6281@c.us', text: 'x', idempotency_key: 'k' },
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('answers 409 SESSION_NOT_CONNECTED with the status while not linked', async () => {
    await call('startSession', { sessionId: 'wa-1' }, {}).expect(202);
    await host.settled('wa-1');
    const res = await call(
      'sendText',
      { sessionId: 'wa-1' },
      { chat_id: '6281@c.us', text: 'x', idempotency_key: 'k' },
    );
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'SESSION_NOT_CONNECTED',
      details: { session_id: 'wa-1', status: 'qr_scanning' },
    });
  });

  it('validates command bodies with 400', async () => {
    const res = await call('sendText', { sessionId: 'wa-1' }, { chat_id: 'not a chat', text: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const media = await call(
      'sendMedia',
      { sessionId: 'wa-1' },
      { chat_id: '6281@c.us', idempotency_key: 'k', media: { base64: 'AAAA' } },
    );
    expect(media.status).toBe(400);
    expect(media.body.error.message).toMatch(/mimetype/);
  });

  it('sends once per idempotency key over HTTP and serves media on demand', async () => {
    const client = await linkedSession('wa-1');
    const body = { chat_id: '6281@c.us', text: 'hello', idempotency_key: 'order-1' };
    const first = await call('sendText', { sessionId: 'wa-1' }, body).expect(200);
    const second = await call('sendText', { sessionId: 'wa-1' }, body).expect(200);
    expect(second.body).toEqual(first.body);
    expect(first.body.provider_message_id).toMatch(/^true_6281@c\.us_3EB0/);
    expect(client.sent).toHaveLength(1);

    const photo = client.receive({
      from: '6281@c.us',
      media: { mimetype: 'image/jpeg', data: '/9j/4AAQ', filename: 'p.jpg' },
    });
    const media = await call('messageMedia', {
      sessionId: 'wa-1',
      messageId: photo.id._serialized,
    }).expect(200);
    expect(media.body).toMatchObject({ mimetype: 'image/jpeg', base64: '/9j/4AAQ' });

    await call('markRead', { sessionId: 'wa-1' }, { chat_id: '6281@c.us' }).expect(200);
    expect(client.seen).toEqual(['6281@c.us']);
  });

  it('reports its sessions on /health without a signature', async () => {
    await call('startSession', { sessionId: 'wa-1' }, {}).expect(202);
    const res = await request(server).get('/health').expect(200);
    expect(res.body.sessions).toEqual({ total: 1, running: 1, max: 50 });
  });
});
