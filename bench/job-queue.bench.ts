import { BullMqJobQueue } from '../apps/server/src/drivers/queue/bullmq-job-queue';
import { InProcessJobQueue } from '../apps/server/src/drivers/queue/in-process-job-queue';
import type { JobQueue } from '../apps/server/src/drivers/queue/job-queue.port';
import { round } from './stats';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);

export interface QueueBenchResult {
  driver: string;
  jobs: number;
  concurrency: number;
  enqueuePerSecond: number;
  processPerSecond: number;
}

/** Throughput of trivial jobs through each job-queue driver available in this run. */
export async function benchJobQueues(): Promise<QueueBenchResult[]> {
  const results: QueueBenchResult[] = [];
  const redisUrl = process.env.BENCH_REDIS_URL;
  for (const concurrency of [1, 10]) {
    results.push(await run(new InProcessJobQueue(), concurrency));
    if (redisUrl) {
      const prefix = `sb-bench-${process.pid}-${concurrency}`;
      results.push(await run(new BullMqJobQueue({ redisUrl, prefix }), concurrency));
    }
  }
  return results;
}

async function run(queue: JobQueue, concurrency: number): Promise<QueueBenchResult> {
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  queue.register(
    'bench',
    () => {
      done += 1;
      if (done === JOBS) finish();
      return Promise.resolve();
    },
    { concurrency },
  );
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < JOBS; i += 1) {
    inFlight.push(
      queue.enqueue('bench', 'noop', { i }, { jobId: `bench-${concurrency}-${i}`, attempts: 1 }),
    );
    if (inFlight.length === 200) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const enqueued = performance.now();
  await finished;
  const processed = performance.now();
  await queue.close();
  return {
    driver: queue.driver,
    jobs: JOBS,
    concurrency,
    enqueuePerSecond: round(JOBS / ((enqueued - started) / 1000)),
    processPerSecond: round(JOBS / ((processed - started) / 1000)),
  };
}
