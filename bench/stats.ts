/** Latency summary of repeated runs, in milliseconds. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export async function measure(n: number, run: () => Promise<unknown>): Promise<Summary> {
  await run(); // warm-up: first-call costs (prepared statements, JIT) are not what we measure
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
  return { n, p50: at(0.5), p95: at(0.95), max: round(times[times.length - 1]!) };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
