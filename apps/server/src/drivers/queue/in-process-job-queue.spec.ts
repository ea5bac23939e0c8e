import { recordingLogger, waitFor } from '../testing/driver-test-utils';
import { InProcessJobQueue } from './in-process-job-queue';

// What the shared contract cannot check quickly on BullMQ (which ages jobs in whole seconds):
// retention measured against an injected clock, so no test waits for it.
describe('InProcessJobQueue retention', () => {
  let now = 1_000_000;
  const clock = () => now;
  let queue: InProcessJobQueue;

  beforeEach(() => {
    queue = new InProcessJobQueue({
      clock,
      completedRetentionMs: 60_000,
      failedRetentionMs: 120_000,
      logger: recordingLogger(),
    });
  });
  afterEach(() => queue.close());

  it('blocks a completed job id for exactly the retention window, then runs it again', async () => {
    const runs: string[] = [];
    queue.register('sends', (job) => {
      runs.push(job.id);
      return Promise.resolve();
    });
    await queue.enqueue('sends', 'send', {}, { jobId: 'send-1' });
    await waitFor(() => runs.length === 1);

    now += 59_999;
    await queue.enqueue('sends', 'send', {}, { jobId: 'send-1' });
    expect(await queue.getJob('sends', 'send-1')).toMatchObject({ state: 'completed' });
    now += 1;
    await queue.enqueue('sends', 'send', {}, { jobId: 'send-1' });
    await waitFor(() => runs.length === 2, 'the second run');
    expect(runs).toEqual(['send-1', 'send-1']);
  });

  it('keeps failed jobs countable until their own, longer retention ends', async () => {
    queue.register('sends', (job) =>
      job.id === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve(),
    );
    await queue.enqueue('sends', 'send', {}, { jobId: 'bad', attempts: 1 });
    await waitFor(async () => (await queue.counts('sends')).failed === 1, 'the failure');
    await queue.enqueue('sends', 'send', {}, { jobId: 'good' });
    await waitFor(async () => (await queue.getJob('sends', 'good'))?.state === 'completed');

    now += 60_000; // the completed one is gone, the failed one stays
    expect(await queue.getJob('sends', 'good')).toBeNull();
    expect(await queue.getJob('sends', 'bad')).toMatchObject({
      state: 'failed',
      failedReason: 'boom',
    });
    now += 60_000;
    expect(await queue.counts('sends')).toMatchObject({ failed: 0 });
    expect(await queue.getJob('sends', 'bad')).toBeNull();
  });
});
