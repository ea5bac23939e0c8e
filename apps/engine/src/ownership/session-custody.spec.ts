import { EngineErrorCode } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import pino from 'pino';
import { EngineException } from '../common/engine.exception';
import { InMemoryServerLink } from '../server-link/testing/in-memory-server-link';
import { createTestHost, shutdownTestHosts } from '../sessions/testing/test-host';
import { SessionAdoptionService } from './session-adoption.service';

const PHONE = '6285550001';

/** Two engines on one (in-memory) server: leases and stored logins are shared, machines are not. */
function twoEngines() {
  const a = createTestHost({ engineId: 'engine-a' }, { link: new InMemoryServerLink('engine-a') });
  const b = createTestHost({ engineId: 'engine-b' }, { link: a.link.forEngine('engine-b') });
  return { a, b, server: a.link.state };
}

async function link(host: ReturnType<typeof createTestHost>, sessionId = 's1') {
  await host.sut.start(sessionId, {});
  await host.outbox.waitFor('session.qr');
  host.factory.latest(sessionId).link(PHONE);
  await host.outbox.waitFor('session.status', (e) => e.data.status === 'connected');
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof EngineException ? error.code : String(error)),
  );
}

describe('session custody across engines', () => {
  afterEach(() => shutdownTestHosts());

  it('saves a linked login at the server, sealed away from this machine', async () => {
    const { a, server } = twoEngines();
    await link(a);
    await waitFor(() => server.auth.has('s1'), 'the login at the server');
    expect(server.owners.get('s1')).toBe('engine-a');
  });

  it('never runs a session on two engines at once', async () => {
    const { a, b } = twoEngines();
    await link(a);
    expect(await codeOf(b.sut.start('s1', {}))).toBe(EngineErrorCode.SESSION_OWNED_ELSEWHERE);
    expect(b.factory.clientsOf('s1')).toHaveLength(0);
  });

  it('lets another engine restore a session after its engine died, without a QR', async () => {
    const { a, b, server } = twoEngines();
    await link(a);
    await waitFor(() => server.auth.has('s1'), 'the login at the server');
    // Engine A dies: its lease runs out at the server; its machine (and login files) are gone.
    server.owners.delete('s1');

    await b.sut.start('s1', {});
    const connected = await b.outbox.waitFor(
      'session.status',
      (e) => e.data.status === 'connected',
    );
    expect(connected.data.phone).toBe(PHONE);
    expect(b.outbox.ofType('session.qr')).toHaveLength(0);
    expect(server.owners.get('s1')).toBe('engine-b');
  });

  it('saves a login that came back only once the starts in line are done, not during a restore', async () => {
    const { a, server } = twoEngines();
    await link(a);
    await waitFor(() => server.auth.has('s1'), 'the login at the server');
    server.owners.delete('s1');
    const b = createTestHost(
      { engineId: 'engine-b', startConcurrency: 1, authSettleMs: 100 },
      { link: a.link.forEngine('engine-b') },
    );
    const saveAuthState = b.link.saveAuthState.bind(b.link);
    const saves: Array<{ session: string; starting: number; queued: number }> = [];
    jest.spyOn(b.link, 'saveAuthState').mockImplementation((sessionId, archive) => {
      saves.push({ session: sessionId, ...b.sut.startCounts() });
      return saveAuthState(sessionId, archive);
    });

    await b.sut.start('s1', {});
    // A new session waits in line behind the restore.
    await b.sut.start('s2', {});
    await b.outbox.waitFor(
      'session.status',
      (e) => e.session_id === 's1' && e.data.status === 'connected',
    );
    await waitFor(() => saves.length > 0, 'the restored login saved', 10_000);
    // The stored login is the one it came back on: it is saved once no start competes.
    expect(saves).toEqual([{ session: 's1', starting: 0, queued: 0 }]);
    expect(b.outbox.ofType('session.qr').map((e) => e.session_id)).toEqual(['s2']);
  });

  it('gives the lease back on stop, so the session can start elsewhere at once', async () => {
    const { a, b, server } = twoEngines();
    await link(a);
    await a.sut.stop('s1');
    expect(server.owners.has('s1')).toBe(false);
    await b.sut.start('s1', {});
    await b.outbox.waitFor('session.status', (e) => e.data.status === 'connected');
  });

  it('forgets the stored login everywhere after a logout', async () => {
    const { a, b, server } = twoEngines();
    await link(a);
    await waitFor(() => server.auth.has('s1'), 'the login at the server');
    await a.sut.logout('s1');
    expect(server.auth.has('s1')).toBe(false);
    expect(server.owners.has('s1')).toBe(false);
    await b.sut.start('s1', {});
    await b.outbox.waitFor('session.qr');
  });

  it('stops a session silently when another engine took its lease', async () => {
    const { a, server } = twoEngines();
    await link(a);
    const client = a.factory.latest('s1');
    const statuses = a.outbox.statuses().length;
    server.owners.set('s1', 'engine-b');
    await a.custody.heartbeat();
    await waitFor(() => a.sut.counts().total === 0, 'the session to leave this engine');
    expect(client.destroyed).toBe(true);
    expect(a.outbox.statuses()).toHaveLength(statuses);
    expect(
      await codeOf(a.sut.sendText('s1', { chat_id: '1@c.us', text: 'x', idempotency_key: 'k' })),
    ).toBe(EngineErrorCode.SESSION_NOT_FOUND);
  });

  it('adopts sessions without an owner from the server, from their stored logins', async () => {
    const { a, b, server } = twoEngines();
    await link(a, 's1');
    await link(a, 's2');
    await waitFor(() => server.auth.size === 2, 'both logins at the server');
    server.owners.clear();
    b.link.claimable = ['s1', 's2'];
    const adoption = new SessionAdoptionService(b.config, b.link, b.sut, pino({ level: 'silent' }));
    await adoption.adoptNow();
    await b.outbox.waitFor(
      'session.status',
      (e) => e.session_id === 's2' && e.data.status === 'connected',
    );
    await b.outbox.waitFor(
      'session.status',
      (e) => e.session_id === 's1' && e.data.status === 'connected',
    );
    expect(b.sut.counts().running).toBe(2);
  });

  it('saves logins and gives leases back when the engine shuts down', async () => {
    const { a, server } = twoEngines();
    await link(a);
    server.auth.clear();
    await a.sut.onApplicationShutdown();
    expect(server.auth.has('s1')).toBe(true);
    expect(server.owners.has('s1')).toBe(false);
  });

  it('tries a failed save again, so a server restart does not lose the login', async () => {
    const { a, server } = twoEngines();
    await link(a);
    await waitFor(() => server.auth.has('s1'), 'the first save');
    server.auth.clear();
    a.link.reachable = false;
    const attempts = jest.spyOn(a.link, 'saveAuthState');
    const saving = a.custody.saveLogin('s1');
    await waitFor(() => attempts.mock.calls.length === 1, 'the first attempt');
    a.link.reachable = true;
    await saving;
    expect(attempts).toHaveBeenCalledTimes(2);
    expect(server.auth.has('s1')).toBe(true);
  });

  it('answers 503 when the server cannot be reached to take a session', async () => {
    const { a } = twoEngines();
    a.link.reachable = false;
    expect(await codeOf(a.sut.start('s1', {}))).toBe(EngineErrorCode.SERVER_UNAVAILABLE);
  });
});
