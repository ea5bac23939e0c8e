import 'reflect-metadata';
import { benchRealtime } from './realtime.bench';

/** `npm run bench:realtime`: Echo fan-out through Switchboard against a bare socket.io baseline. */
async function main(): Promise<void> {
  const clients = (process.env.BENCH_CLIENTS ?? '1000,5000').split(',').map(Number);
  const rate = Number(process.env.BENCH_RATE ?? 100);
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const out = process.stdout;
  out.write(
    `\nRealtime fan-out, one private channel, ${rate} events/s for ${seconds} s, then a burst of 100\n`,
  );
  out.write(
    `${'target'.padEnd(16)} ${'clients'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'burst deliveries/s'.padStart(19)}\n`,
  );
  for (const r of await benchRealtime(clients, rate, seconds)) {
    out.write(
      `${r.target.padEnd(16)} ${String(r.clients).padStart(7)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.deliveriesPerSecond).padStart(19)}\n`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
