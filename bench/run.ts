import 'reflect-metadata';
import { benchContactsApi } from './contacts-api.bench';
import { benchJobQueues } from './job-queue.bench';

/**
 * `npm run bench`: prints the figures. BENCH_DATABASE_URL (an empty MariaDB/MySQL database) and
 * BENCH_REDIS_URL select the production backends; without them it runs on SQLite and local drivers.
 */
async function main(): Promise<void> {
  const api = await benchContactsApi();
  const out = process.stdout;
  out.write(`\nContacts API on ${api.database}, ${api.contacts} contacts in the workspace (ms)\n`);
  out.write(
    `${'case'.padEnd(42)} ${'n'.padStart(5)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}\n`,
  );
  for (const row of api.rows) {
    out.write(
      `${row.name.padEnd(42)} ${String(row.n).padStart(5)} ${String(row.p50).padStart(8)} ${String(row.p95).padStart(8)} ${String(row.max).padStart(8)}\n`,
    );
  }
  out.write(`server process RSS after the run: ${api.rssMb} MB\n`);

  out.write('\nJob queue throughput (jobs/s)\n');
  for (const q of await benchJobQueues()) {
    out.write(
      `${q.driver.padEnd(12)} concurrency ${String(q.concurrency).padStart(2)}: enqueue ${q.enqueuePerSecond}, enqueue+process ${q.processPerSecond} (${q.jobs} jobs)\n`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const cause = (error as Error).cause;
    const because = cause instanceof Error ? `\ncaused by: ${cause.message}` : '';
    process.stderr.write(`${(error as Error).stack ?? String(error)}${because}\n`);
    process.exit(1);
  },
);
