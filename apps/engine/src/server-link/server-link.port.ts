import type { AuthStateView, ClaimsAnswer, EngineAnnouncement } from '@switchboard/contracts';
import type { LeaseAuthority } from '../ownership/session-leases';

/** Injection token of the engine's link to the server; tests put an in-memory one here. */
export const SERVER_LINK = Symbol('SERVER_LINK');

/** What the engine asks of the server besides posting events: leases, claims, auth state. */
export interface EngineServerLink extends LeaseAuthority {
  /** Sessions to adopt, up to `capacity`, leaving out the ones in `running`. */
  claims(capacity: number, running: string[]): Promise<ClaimsAnswer>;
  /** Null when the server has no auth state for the session. */
  readAuthState(sessionId: string): Promise<AuthStateView | null>;
  saveAuthState(sessionId: string, archive: Buffer): Promise<void>;
  clearAuthState(sessionId: string): Promise<void>;
  /** Tells the server this engine is alive, where it listens and how loaded it is. */
  announce(announcement: EngineAnnouncement): Promise<void>;
  /** Leaves the server's registry of live engines (at shutdown). */
  withdraw(): Promise<void>;
}
