import type { DisconnectReason, SessionStatus } from '@switchboard/contracts';

/** Statuses in which a session holds (or is about to hold) a client and a Chromium. */
const RUNNING: ReadonlySet<SessionStatus> = new Set([
  'initializing',
  'qr_scanning',
  'authenticated',
  'connected',
  'reconnecting',
]);

export function isRunning(status: SessionStatus): boolean {
  return RUNNING.has(status);
}

/** A new QR may be asked for until the session is linked. */
export function canRegenerateQr(status: SessionStatus): boolean {
  return !['authenticated', 'connected', 'reconnecting'].includes(status);
}

/** What a library `disconnected` reason means for the session. */
export type DisconnectOutcome =
  { kind: 'logged_out' } | { kind: 'banned' } | { kind: 'recover'; reason: DisconnectReason };

/**
 * `LOGOUT` (and an unpaired socket) mean the phone removed this device: the login is gone.
 * A terms-of-service block is a ban. Anything else (a conflict, a lost connection, a crashed
 * page) is worth reconnecting from the stored login.
 */
export function classifyDisconnect(reason: string): DisconnectOutcome {
  switch (reason) {
    case 'LOGOUT':
    case 'UNPAIRED':
    case 'UNPAIRED_IDLE':
      return { kind: 'logged_out' };
    case 'TOS_BLOCK':
    case 'SMB_TOS_BLOCK':
      return { kind: 'banned' };
    case 'TIMEOUT':
      return { kind: 'recover', reason: 'timeout' };
    default:
      return { kind: 'recover', reason: 'error' };
  }
}
