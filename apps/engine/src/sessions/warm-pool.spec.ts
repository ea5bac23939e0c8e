import { EngineErrorCode } from '@switchboard/contracts';
import { waitFor, type FakeWhatsAppClient } from '@switchboard/testing';
import { EngineException } from '../common/engine.exception';
import { createTestHost, shutdownTestHosts } from './testing/test-host';

/** A host with a warm pool of `size`, filled: its pooled clients, oldest first. */
async function pooled(size: number, overrides: Parameters<typeof createTestHost>[0] = {}) {
  const t = createTestHost({ warmPool: size, ...overrides });
  t.sut.warmUp();
  await waitFor(
    () => t.sut.warmPoolCounts().ready === size,
    `${size} pooled clients`,
    5_000,
    () => JSON.stringify(t.sut.warmPoolCounts()),
  );
  return { ...t, warm: () => t.factory.warmClients().filter((c) => !c.destroyed) };
}

function live(clients: FakeWhatsAppClient[]): FakeWhatsAppClient[] {
  return clients.filter((c) => !c.destroyed);
}

describe('WarmPool', () => {
  afterEach(() => shutdownTestHosts());

  it('gives a new session a pooled client: its QR at once, rotations and the login are the session’s', async () => {
    const { sut, factory, outbox, warm } = await pooled(2);
    const [first] = warm();
    const waitingQr = first!.qrs.at(-1)!;
    // Nothing was reported while the clients waited in the pool.
    expect(outbox.events).toEqual([]);

    await sut.start('s1', {});
    // Reported before start() even answered: no client had to start.
    expect(sut.status('s1')).toMatchObject({ status: 'qr_scanning' });
    const qr = await outbox.waitFor('session.qr');
    expect(qr).toMatchObject({ session_id: 's1', data: { qr: waitingQr } });
    expect(factory.latest('s1')).toBe(first);
    expect(factory.clientsOf('s1')).toHaveLength(1);

    const rotated = first!.emitQr();
    await outbox.waitFor('session.qr', (e) => e.data.qr === rotated);
    expect(outbox.ofType('session.qr').every((e) => e.session_id === 's1')).toBe(true);

    first!.link('6285550001');
    const connected = await outbox.waitFor('session.status', (e) => e.data.status === 'connected');
    expect(connected).toMatchObject({ session_id: 's1', data: { phone: '6285550001' } });
    expect(factory.hasStoredLogin('s1')).toBe(true);
    // The pool refilled behind it.
    await waitFor(() => sut.warmPoolCounts().ready === 2, 'the pool to refill');
    expect(live(factory.warmClients())).toHaveLength(2);
  });

  it('never uses a pooled client to restore a stored login, nor for a pairing code', async () => {
    const { sut, factory, outbox, warm } = await pooled(1);
    const waiting = warm()[0]!;
    factory.remember('s1', { wid: '6285550001@c.us', pushname: 'Shop' });

    await sut.start('s1', {});
    await outbox.waitFor(
      'session.status',
      (e) => e.session_id === 's1' && e.data.status === 'connected',
    );
    expect(factory.latest('s1')).not.toBe(waiting);
    expect(outbox.ofType('session.qr')).toEqual([]);

    await sut.start('s2', { pairing_phone_number: '6285550002' });
    await outbox.waitFor('session.pairing_code', (e) => e.session_id === 's2');
    expect(factory.latest('s2')).not.toBe(waiting);
    expect(warm()).toEqual([waiting]);
    expect(sut.warmPoolCounts().ready).toBe(1);
  });

  it('refills only when no session start runs or waits', async () => {
    const { sut, factory, outbox } = createTestHost({ warmPool: 1, startConcurrency: 1 });
    factory.onCreate = (client) => {
      if (client.sessionId === 's1') client.holdInitialize();
    };
    await sut.start('s1', {});
    sut.warmUp();
    await waitFor(() => factory.latest('s1').initialized, 's1 to start');
    await sut.start('s2', {});
    // s1 holds the only start slot and s2 waits for it: the pool keeps out of the way.
    await new Promise((resolve) => setImmediate(resolve));
    expect(factory.warmClients()).toEqual([]);

    factory.latest('s1').releaseInitialize();
    await outbox.waitFor('session.qr', (e) => e.session_id === 's2');
    await waitFor(() => sut.warmPoolCounts().ready === 1, 'the pool to fill after the starts');
    expect(factory.warmClients()).toHaveLength(1);
  });

  it('replaces a pooled client whose Chromium crashed or whose QR expired', async () => {
    const { sut, warm } = await pooled(1);
    const crashed = warm()[0]!;
    crashed.crashBrowser();
    await waitFor(() => warm().length === 1 && warm()[0] !== crashed, 'a replacement');
    await waitFor(() => sut.warmPoolCounts().ready === 1, 'the replacement at its QR');

    const idle = warm()[0]!;
    idle.emit('change_state', 'UNPAIRED_IDLE');
    await waitFor(() => warm().length === 1 && warm()[0] !== idle, 'a replacement');
    expect(idle.destroyed).toBe(true);
    await waitFor(() => sut.warmPoolCounts().ready === 1, 'the replacement at its QR');
  });

  it('counts pooled clients toward the session cap, giving way to sessions', async () => {
    const { sut, factory, outbox, warm } = await pooled(2, { maxSessions: 2 });
    factory.remember('s1', { wid: '6285550001@c.us', pushname: 'Shop' });
    // A restore needs a client of its own: one pooled client makes room for it.
    await sut.start('s1', {});
    await outbox.waitFor(
      'session.status',
      (e) => e.session_id === 's1' && e.data.status === 'connected',
    );
    expect(warm()).toHaveLength(1);

    await sut.start('s2', {});
    await outbox.waitFor('session.qr', (e) => e.session_id === 's2');
    expect(warm()).toHaveLength(0);
    const full = await sut.start('s3', {}).catch((error: unknown) => error);
    expect(full).toBeInstanceOf(EngineException);
    expect((full as EngineException).code).toBe(EngineErrorCode.ENGINE_FULL);
    expect(sut.warmPoolCounts()).toMatchObject({ ready: 0, starting: 0 });
    expect(live(factory.clients)).toHaveLength(2);
  });

  it('closes every pooled client at shutdown', async () => {
    const { sut, factory } = await pooled(2);
    await sut.onApplicationShutdown();
    expect(factory.warmClients()).toHaveLength(2);
    expect(live(factory.warmClients())).toEqual([]);
  });
});
