/**
 * Log-bucketed latency histogram (1 % relative precision from 0.01 ms to 10 minutes), small
 * enough to send from every client process over IPC and merge in the parent.
 */
const MIN_MS = 0.01;
const GROWTH = Math.log(1.01);
const BUCKETS = 2 + Math.ceil(Math.log(600_000 / MIN_MS) / GROWTH);

export interface HistogramData {
  counts: Float64Array;
  total: number;
  sum: number;
  max: number;
}

export class LatencyHistogram {
  counts = new Float64Array(BUCKETS);
  total = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    const index =
      value < MIN_MS ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(value / MIN_MS) / GROWTH));
    this.counts[index]! += 1;
    this.total += 1;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i += 1) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** The value at quantile q (0..1): the geometric middle of its bucket, capped at the max seen. */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i += 1) {
      seen += this.counts[i]!;
      if (seen < rank) continue;
      if (i === 0) return Math.min(MIN_MS / 2, this.max);
      const low = MIN_MS * Math.exp((i - 1) * GROWTH);
      return Math.min(low * Math.sqrt(1.01), this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.total === 0 ? NaN : this.sum / this.total;
  }

  data(): HistogramData {
    return { counts: this.counts, total: this.total, sum: this.sum, max: this.max };
  }
}
