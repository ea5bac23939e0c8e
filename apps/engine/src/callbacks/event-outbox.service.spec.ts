import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENGINE_EVENTS_PATH, type EngineEvent } from '@switchboard/contracts';
import { SIGNATURE_HEADERS, verifySignature } from '@switchboard/contracts/node';
import pino from 'pino';
import type { EngineConfig } from '../engine-config';
import { TEST_SECRET, testEngineConfig } from '../sessions/testing/test-host';
import { EventOutboxService } from './event-outbox.service';
import { EventSender, type DeliveryOutcome } from './event-sender';

interface Received {
  event: EngineEvent;
  signatureOk: boolean;
  requestId: string;
}

/** The server's event endpoint: records what arrives, answers with a chosen status. */
class Receiver {
  readonly received: Received[] = [];
  answer = 204;
  private server: Server | null = null;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        const header = (name: string) => req.headers[name] as string | undefined;
        if (req.url === ENGINE_EVENTS_PATH && this.answer < 300) {
          this.received.push({
            event: JSON.parse(raw) as EngineEvent,
            signatureOk: verifySignature(
              TEST_SECRET,
              {
                timestamp: header(SIGNATURE_HEADERS.TIMESTAMP),
                signature: header(SIGNATURE_HEADERS.SIGNATURE),
              },
              raw,
            ).ok,
            requestId: header(SIGNATURE_HEADERS.REQUEST_ID) ?? '',
          });
          this.waiters = this.waiters.filter((w) => {
            if (this.received.length < w.count) return true;
            w.resolve();
            return false;
          });
        }
        res.statusCode = this.answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  receivedCount(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

let sequence = 0;
function event(sessionId: string, status = 'connected'): EngineEvent {
  sequence += 1;
  return {
    type: 'session.status',
    event_id: randomUUID(),
    session_id: sessionId,
    engine_id: 'engine-test',
    sequence,
    occurred_at: new Date().toISOString(),
    data: { status: status as 'connected', reason: null, phone: null, wid: null },
  };
}

/** Resolves after the outbox has tried (and failed) `count` more deliveries. */
class CountingSender extends EventSender {
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  failures = 0;

  override async send(e: EngineEvent): Promise<DeliveryOutcome> {
    const outcome = await super.send(e);
    if (outcome.kind !== 'delivered') {
      this.failures += 1;
      this.waiters = this.waiters.filter((w) => {
        if (this.failures < w.count) return true;
        w.resolve();
        return false;
      });
    }
    return outcome;
  }

  failed(count: number): Promise<void> {
    if (this.failures >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

describe('EventOutboxService', () => {
  let receiver: Receiver;
  let outbox: EventOutboxService;

  beforeEach(() => {
    receiver = new Receiver();
  });

  afterEach(async () => {
    outbox?.onApplicationShutdown();
    await receiver.close();
  });

  function build(port: number, callbacks: Partial<EngineConfig['callbacks']> = {}) {
    const base = testEngineConfig();
    const config = testEngineConfig({
      serverUrl: `http://127.0.0.1:${port}`,
      callbacks: {
        ...base.callbacks,
        retryBaseMs: 5,
        retryMaxMs: 40,
        maxAttempts: 50,
        ...callbacks,
      },
    });
    const sender = new CountingSender(config);
    outbox = new EventOutboxService(config, sender, pino({ level: 'silent' }));
    return { outbox, sender };
  }

  it('posts signed events to the server events path', async () => {
    const port = await receiver.listen();
    const { outbox } = build(port);
    const sent = event('s1');
    outbox.enqueue(sent);
    await outbox.idle();
    expect(receiver.received).toEqual([
      { event: sent, signatureOk: true, requestId: expect.any(String) },
    ]);
  });

  it('retries while the server is down and delivers everything, in order, when it is back', async () => {
    // Take a free port, then leave it closed: the server is down.
    const port = await receiver.listen();
    await receiver.close();
    const { outbox, sender } = build(port);
    const a = [event('s1', 'initializing'), event('s1', 'qr_scanning'), event('s1', 'connected')];
    const b = [event('s2', 'initializing'), event('s2', 'connected')];
    for (let i = 0; i < 3; i++) {
      outbox.enqueue(a[i]!);
      if (b[i]) outbox.enqueue(b[i]!);
    }
    await sender.failed(4);
    expect(receiver.received).toHaveLength(0);
    expect(outbox.pending).toBe(5);

    await receiver.listen(port);
    await receiver.receivedCount(5);
    await outbox.idle();
    const order = (sessionId: string) =>
      receiver.received.filter((r) => r.event.session_id === sessionId).map((r) => r.event);
    expect(order('s1')).toEqual(a);
    expect(order('s2')).toEqual(b);
    expect(receiver.received.every((r) => r.signatureOk)).toBe(true);
    // Each attempt has its own request id, so the server's replay cache never refuses a retry.
    expect(new Set(receiver.received.map((r) => r.requestId)).size).toBe(5);
  });

  it('retries on 5xx answers and keeps the order', async () => {
    const port = await receiver.listen();
    receiver.answer = 503;
    const { outbox, sender } = build(port);
    const events = [event('s1'), event('s1'), event('s1')];
    events.forEach((e) => outbox.enqueue(e));
    await sender.failed(3);
    receiver.answer = 204;
    await outbox.idle();
    expect(receiver.received.map((r) => r.event)).toEqual(events);
  });

  it('gives up on an event after the last attempt and moves on', async () => {
    const port = await receiver.listen();
    await receiver.close();
    const { outbox, sender } = build(port, { maxAttempts: 2 });
    outbox.enqueue(event('s1'));
    await sender.failed(2);
    await outbox.idle();
    expect(outbox.pending).toBe(0);
    await receiver.listen(port);
    const next = event('s1');
    outbox.enqueue(next);
    await outbox.idle();
    expect(receiver.received.map((r) => r.event)).toEqual([next]);
  });

  it('drops a rejected event (4xx) without retrying', async () => {
    const port = await receiver.listen();
    receiver.answer = 400;
    const { outbox, sender } = build(port);
    outbox.enqueue(event('s1'));
    await outbox.idle();
    expect(sender.failures).toBe(1);
  });

  it('keeps only the newest undelivered QR of a session', async () => {
    const port = await receiver.listen();
    await receiver.close();
    const { outbox, sender } = build(port);
    const qr = (n: number): EngineEvent => ({
      ...event('s1'),
      type: 'session.qr',
      data: { qr: `qr-${n}`, qr_data_url: 'data:', expires_at: '', window_ends_at: '' },
    });
    outbox.enqueue(qr(1));
    await sender.failed(1);
    outbox.enqueue(qr(2));
    outbox.enqueue(qr(3));
    expect(outbox.pending).toBe(2);
    await receiver.listen(port);
    await outbox.idle();
    expect(
      receiver.received.map((r) => (r.event.type === 'session.qr' ? r.event.data.qr : '')),
    ).toEqual(['qr-1', 'qr-3']);
  });

  it('bounds the queue, dropping the oldest waiting events first', async () => {
    const port = await receiver.listen();
    await receiver.close();
    const { outbox, sender } = build(port, { outboxLimit: 10 });
    const events = Array.from({ length: 13 }, () => event('s1'));
    outbox.enqueue(events[0]!);
    await sender.failed(1);
    events.slice(1).forEach((e) => outbox.enqueue(e));
    expect(outbox.pending).toBe(10);
    await receiver.listen(port);
    await outbox.idle();
    // The one in flight is kept; the oldest waiting ones go.
    expect(receiver.received.map((r) => r.event)).toEqual([events[0], ...events.slice(4)]);
  });
});
