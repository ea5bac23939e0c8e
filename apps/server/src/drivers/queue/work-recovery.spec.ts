import { DriverErrorCode } from '../driver.exception';
import { deferred, recordingLogger, waitFor } from '../testing/driver-test-utils';
import { InProcessJobQueue } from './in-process-job-queue';
import type { JobQueue } from './job-queue.port';
import { WorkRecovery } from './work-recovery';

/** Stands in for a table: the database survives the restart, the queue does not. */
class OutboundTable {
  readonly rows = new Map<number, { id: number; status: 'pending' | 'sent' }>();

  insertPending(id: number): void {
    this.rows.set(id, { id, status: 'pending' });
  }
  pending(): number[] {
    return [...this.rows.values()].filter((row) => row.status === 'pending').map((row) => row.id);
  }
  markSent(id: number): void {
    this.rows.set(id, { id, status: 'sent' });
  }
}

/** What a feature module does in onModuleInit: a handler, and a hook that re-derives its jobs. */
function wireSends(
  queue: JobQueue,
  recovery: WorkRecovery,
  table: OutboundTable,
  runs: number[],
  gate: Promise<void> = Promise.resolve(),
): void {
  queue.register<{ rowId: number }>('sends', async (job) => {
    await gate;
    runs.push(job.data.rowId);
    table.markSent(job.data.rowId);
  });
  recovery.register({
    name: 'outbound-sends',
    recover: async () => {
      const pending = table.pending();
      for (const rowId of pending) {
        await queue.enqueue('sends', 'send', { rowId }, { jobId: `send-${rowId}` });
      }
      return pending.length;
    },
  });
}

describe('WorkRecovery', () => {
  const queues: JobQueue[] = [];
  const newQueue = (): JobQueue => {
    const queue = new InProcessJobQueue({ logger: recordingLogger() });
    queues.push(queue);
    return queue;
  };
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });

  it('re-enqueues pending rows after a restart, and runs each exactly once', async () => {
    const table = new OutboundTable();
    const runs: number[] = [];

    // First life: three rows recorded first; one is sent, two are still scheduled when it dies.
    const before = newQueue();
    wireSends(before, WorkRecovery.create(recordingLogger()), table, runs);
    for (const id of [1, 2, 3]) table.insertPending(id);
    await before.enqueue('sends', 'send', { rowId: 1 }, { jobId: 'send-1' });
    await before.enqueue('sends', 'send', { rowId: 2 }, { jobId: 'send-2', delayMs: 60_000 });
    await before.enqueue('sends', 'send', { rowId: 3 }, { jobId: 'send-3', delayMs: 60_000 });
    await waitFor(() => runs.length === 1, 'row 1 to be sent');
    await before.close(); // the crash: the in-process queue forgets rows 2 and 3

    // Second life: a fresh queue; a replayed request for row 2 races the boot-time recovery.
    const after = newQueue();
    const logger = recordingLogger();
    const recovery = WorkRecovery.create(logger);
    const gate = deferred();
    wireSends(after, recovery, table, runs, gate.promise);
    await after.enqueue('sends', 'send', { rowId: 2 }, { jobId: 'send-2' });
    const results = await recovery.recoverAll();
    gate.resolve();

    expect(results).toEqual([{ name: 'outbound-sends', status: 'recovered', enqueued: 2 }]);
    expect(logger.lines).toContain('log: Recovery "outbound-sends": re-enqueued 2 job(s)');
    await waitFor(() => table.pending().length === 0, 'every row to be sent');
    await after.enqueue('sends', 'send', { rowId: 3 }, { jobId: 'send-3' }); // a late replay
    await after.close();
    expect(runs.sort()).toEqual([1, 2, 3]);
  });

  it('keeps going when one hook fails, and reports which one', async () => {
    const logger = recordingLogger();
    const recovery = WorkRecovery.create(logger);
    recovery.register({ name: 'broken', recover: () => Promise.reject(new Error('db offline')) });
    recovery.register({ name: 'campaigns', recover: () => Promise.resolve(4) });

    expect(await recovery.recoverAll()).toEqual([
      { name: 'broken', status: 'failed', error: 'db offline' },
      { name: 'campaigns', status: 'recovered', enqueued: 4 },
    ]);
    expect(logger.lines).toContain('error: Recovery "broken" failed: db offline');
  });

  it('refuses duplicate hook names, late hooks and a second run', async () => {
    const recovery = WorkRecovery.create(recordingLogger());
    const hook = { name: 'sends', recover: () => Promise.resolve(0) };
    recovery.register(hook);
    expect(() => recovery.register(hook)).toThrow(
      expect.objectContaining({ code: DriverErrorCode.INVALID_STATE }),
    );
    await recovery.recoverAll();

    expect(() => recovery.register({ ...hook, name: 'late' })).toThrow(
      /registered after recovery ran/,
    );
    await expect(recovery.recoverAll()).rejects.toMatchObject({
      code: DriverErrorCode.INVALID_STATE,
    });
  });
});
