// A client process of the realtime fan-out bench (forked by realtime.bench.ts): holds a share of
// the C laravel-echo clients, stamps each delivery with its latency and reports over IPC.
import type { EventLoopUtilization } from 'node:perf_hooks';
import type EchoClass from 'laravel-echo';
import { io, type Socket } from 'socket.io-client';
import { LatencyHistogram } from './latency-histogram';
import { now, type BenchStamp, type ChildMessage, type ParentMessage } from './realtime-ipc';

type Echo = EchoClass<'socket.io'>;

interface PhaseState {
  /** Deliveries per event sequence number; an event is complete once every client has it. */
  perSeq: number[];
  /** When each event reached the last of this process's clients (parent's clock). */
  completedAt: number[];
  complete: number;
  delivered: number;
  histogram: LatencyHistogram;
}

// laravel-echo is an ES module whose CommonJS build does not load under `require`; TypeScript
// compiles `import()` to `require` for CommonJS output, so the real dynamic import is built here.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: typeof EchoClass }>;

/** The connected Echo clients per target; an event is complete once its target's set has it. */
const sets = new Map<string, Echo[]>();
let clockOffset = 0;
let phases = new Map<number, PhaseState>();
let eluMark: EventLoopUtilization = performance.eventLoopUtilization();
let disconnects = 0;
let ackScheduled = false;
const pendingAcks = new Map<number, number>();

function send(message: ChildMessage): void {
  process.send!(message);
}

function phaseState(phase: number): PhaseState {
  let state = phases.get(phase);
  if (!state) {
    state = {
      perSeq: [],
      completedAt: [],
      complete: 0,
      delivered: 0,
      histogram: new LatencyHistogram(),
    };
    phases.set(phase, state);
  }
  return state;
}

function onDelivery(stamp: BenchStamp, setSize: number): void {
  const received = now() - clockOffset;
  const state = phaseState(stamp.phase);
  state.delivered += 1;
  state.histogram.record(received - stamp.sentAt);
  const count = (state.perSeq[stamp.seq] ?? 0) + 1;
  state.perSeq[stamp.seq] = count;
  if (stamp.seq !== state.complete || count < setSize) return;
  while ((state.perSeq[state.complete] ?? 0) >= setSize) {
    state.completedAt[state.complete] = received;
    state.complete += 1;
  }
  pendingAcks.set(stamp.phase, state.complete);
  if (ackScheduled) return;
  ackScheduled = true;
  // One ack per turn of the event loop, however many events completed in it.
  setImmediate(() => {
    ackScheduled = false;
    for (const [phase, upTo] of pendingAcks) send({ type: 'ack', phase, upTo });
    pendingAcks.clear();
  });
}

async function connectAll(message: Extract<ParentMessage, { type: 'connect' }>): Promise<void> {
  const { default: Echo } = await importEsm('laravel-echo');
  const members: Echo[] = [];
  sets.set(message.set, members);
  const listen = `.${message.event}`;
  const connectOne = (): Promise<void> => {
    // As the SPA builds it (see apps/server/test/realtime-test-kit.ts): websocket only, bearer
    // token, and its own `auth` object so Echo does not share one across instances.
    const echo = new Echo({
      broadcaster: 'socket.io',
      host: message.url,
      client: io,
      transports: ['websocket'],
      bearerToken: message.token,
      auth: { headers: {} },
      forceNew: true,
      // A dropped connection must show up as lost deliveries, not be papered over.
      reconnection: false,
      withoutInterceptors: true,
    });
    const socket = echo.connector.socket as unknown as Socket;
    echo
      .private(message.channel)
      .listen(listen, (payload: { bench: BenchStamp }) =>
        onDelivery(payload.bench, members.length),
      );
    members.push(echo);
    return new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        socket.on('disconnect', (reason) => {
          if (reason !== 'io client disconnect') disconnects += 1;
        });
        resolve();
      });
      socket.once('connect_error', (error) => reject(error));
    });
  };
  // A bounded number of handshakes at a time keeps the server's accept backlog from overflowing.
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < message.clients) {
      started += 1;
      await connectOne();
    }
  };
  await Promise.all(Array.from({ length: message.concurrency }, worker));
  send({ type: 'connected', clients: members.length });
}

function disconnectAll(): void {
  for (const echo of [...sets.values()].flat()) echo.disconnect();
  sets.clear();
  phases = new Map();
  disconnects = 0;
  send({ type: 'disconnected' });
}

function report(phase: number): void {
  const state = phaseState(phase);
  const elu = performance.eventLoopUtilization(eluMark).utilization;
  send({
    type: 'report',
    phase,
    delivered: state.delivered,
    histogram: state.histogram.data(),
    completedAt: state.completedAt,
    elu,
    disconnects,
  });
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'clock':
      send({ type: 'clock', id: message.id, now: now() });
      break;
    case 'offset':
      clockOffset = message.ms;
      break;
    case 'connect':
      connectAll(message).catch((error: unknown) =>
        send({ type: 'error', message: (error as Error).message }),
      );
      break;
    case 'mark':
      eluMark = performance.eventLoopUtilization();
      break;
    case 'report':
      report(message.phase);
      break;
    case 'disconnect':
      disconnectAll();
      break;
  }
});

// The parent is gone (finished, crashed or killed): nothing left to report to.
process.on('disconnect', () => process.exit(0));
