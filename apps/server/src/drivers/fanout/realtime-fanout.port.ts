import type { Server } from 'socket.io';

/** Injection token of the realtime fan-out driver (in-memory or Redis). */
export const REALTIME_FANOUT = Symbol('REALTIME_FANOUT');

export type RealtimeFanoutDriver = 'in-memory' | 'redis';

/**
 * Lets several socket.io servers act as one: a broadcast to a room, `fetchSockets()` (presence
 * members), `socketsJoin/Leave` and `serverSideEmit` reach every node that is attached.
 */
export interface RealtimeFanout {
  readonly driver: RealtimeFanoutDriver;
  /** Installs the cluster adapter; call before the server accepts connections. */
  attach(io: Server): void;
  /** Call after the attached servers were closed (Nest closes them before shutdown hooks run). */
  close(): Promise<void>;
}
