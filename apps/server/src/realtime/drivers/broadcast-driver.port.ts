import type { BroadcastDriver } from '@switchboard/contracts';

/** Injection token of the active broadcast driver (`socketio` now; `pusher` next). */
export const BROADCAST_DRIVER = Symbol('BROADCAST_DRIVER');

/** One event for one or more channels, already checked against the contracts. */
export interface BroadcastMessage {
  channels: readonly string[];
  event: string;
  payload: unknown;
  /** A socket id from `X-Socket-Id` ("toOthers"): that one connection does not receive it. */
  exceptSocketId: string | null;
}

/**
 * Delivers broadcasts to browsers. Each driver emits the laravel-echo wire format of its protocol;
 * callers never see which one is active (BroadcasterService is the only caller).
 */
export interface BroadcastDriverPort {
  readonly name: BroadcastDriver;
  publish(message: BroadcastMessage): Promise<void>;
}
