import pino from 'pino';
import { SessionWatchdogService } from './session-watchdog.service';
import { createTestHost, shutdownTestHosts } from './testing/test-host';

async function connectedHost(overrides: Parameters<typeof createTestHost>[0] = {}) {
  const t = createTestHost({ watchdogTimeoutMs: 200, ...overrides });
  await t.sut.start('s1', {});
  await t.outbox.waitFor('session.qr');
  t.factory.latest('s1').link('6285550001');
  await t.outbox.waitFor('session.status', (e) => e.data.status === 'connected');
  const watchdog = new SessionWatchdogService(t.config, t.sut, pino({ level: 'silent' }));
  return { ...t, watchdog };
}

describe('SessionWatchdogService', () => {
  afterEach(() => shutdownTestHosts());

  it('recycles a session whose page stopped answering, and it comes back without a QR', async () => {
    const { factory, outbox, watchdog } = await connectedHost();
    const frozen = factory.latest('s1');
    frozen.hangPage();
    await watchdog.checkNow();

    const recovery = await outbox.waitFor('session.recovery');
    expect(recovery.data).toMatchObject({ reason: 'unresponsive', attempt: 1 });
    expect(frozen.destroyed).toBe(true);
    expect(factory.clientsOf('s1')).toHaveLength(2);
    await outbox.waitFor(
      'session.status',
      (e) => e.data.status === 'connected' && e.sequence > recovery.sequence,
    );
    expect(outbox.ofType('session.qr')).toHaveLength(1);
  });

  it('leaves healthy sessions alone', async () => {
    const { factory, outbox, watchdog } = await connectedHost();
    await watchdog.checkNow();
    expect(outbox.ofType('session.recovery')).toHaveLength(0);
    expect(factory.clientsOf('s1')).toHaveLength(1);
  });

  it('recycles a session whose Chromium outgrew the memory cap', async () => {
    const { factory, outbox, watchdog } = await connectedHost({ sessionMemoryLimitMb: 1 });
    // This test process stands in for the browser: it surely uses more than 1 MiB.
    factory.latest('s1').pupBrowser.pid = process.pid;
    await watchdog.checkNow();
    const recovery = await outbox.waitFor('session.recovery');
    expect(recovery.data.reason).toBe('memory_limit');
    expect(recovery.data.detail).toMatch(/^\d+ MiB > 1 MiB$/);
  });
});
