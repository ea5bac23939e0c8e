/** Why a driver refused or failed an operation; callers branch on the code, never on the message. */
export enum DriverErrorCode {
  /** Enqueued to a queue that has no handler in this process: the job would never run. */
  UNKNOWN_QUEUE = 'UNKNOWN_QUEUE',
  HANDLER_ALREADY_REGISTERED = 'HANDLER_ALREADY_REGISTERED',
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The driver was closed (application shutdown); no new work is accepted. */
  DRIVER_CLOSED = 'DRIVER_CLOSED',
  LOCK_TIMEOUT = 'LOCK_TIMEOUT',
  /** A held lease or lock expired or was taken over; whoever held it must stop. */
  LEASE_LOST = 'LEASE_LOST',
  REDIS_UNREACHABLE = 'REDIS_UNREACHABLE',
  /** An operation came at the wrong point of the lifecycle, e.g. a recovery hook after boot. */
  INVALID_STATE = 'INVALID_STATE',
}

export class DriverException extends Error {
  override readonly name = 'DriverException';

  constructor(
    readonly code: DriverErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
