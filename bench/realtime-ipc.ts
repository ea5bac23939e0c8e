import type { HistogramData } from './latency-histogram';

/** Added to every benchmark event's payload; the gateway passes payloads through untouched. */
export interface BenchStamp {
  phase: number;
  seq: number;
  /** `performance.timeOrigin + performance.now()` in the publishing process, in ms. */
  sentAt: number;
}

export type ParentMessage =
  | { type: 'clock'; id: number }
  | { type: 'offset'; ms: number }
  | {
      type: 'connect';
      /** Which client set (one per target) these connections belong to. */
      set: string;
      url: string;
      /** Echo's channel name, without the `private-` prefix. */
      channel: string;
      event: string;
      token: string | null;
      clients: number;
      concurrency: number;
    }
  | { type: 'mark' }
  | { type: 'report'; phase: number }
  | { type: 'disconnect' };

export interface PhaseReport {
  type: 'report';
  phase: number;
  delivered: number;
  histogram: HistogramData;
  /** Per event sequence number: when the last of this process's clients received it. */
  completedAt: number[];
  /** Event-loop utilization of this client process since the last `mark`. */
  elu: number;
  disconnects: number;
}

export type ChildMessage =
  | { type: 'clock'; id: number; now: number }
  | { type: 'connected'; clients: number }
  | { type: 'ack'; phase: number; upTo: number }
  | PhaseReport
  | { type: 'disconnected' }
  | { type: 'error'; message: string };

export function now(): number {
  return performance.timeOrigin + performance.now();
}
