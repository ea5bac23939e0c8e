/**
 * The server's API for engines (all signed like the engine's own API): session leases, the
 * sessions an engine should adopt, and the encrypted WhatsApp Web auth state. The server is the
 * one lease authority, so any number of engines coordinate through it with or without Redis.
 */
export const ENGINE_LINK_PATHS = {
  acquireLeases: '/api/engine/leases/acquire',
  renewLeases: '/api/engine/leases/renew',
  releaseLeases: '/api/engine/leases/release',
  claims: '/api/engine/claims',
  /** `:sessionId` is the session's engine id (`whatsapp_sessions.session_id`). */
  authState: '/api/engine/sessions/:sessionId/auth-state',
} as const;

export function engineAuthStatePath(sessionId: string): string {
  return ENGINE_LINK_PATHS.authState.replace(':sessionId', encodeURIComponent(sessionId));
}

/** Leases are refused below and capped above these TTLs. */
export const ENGINE_LEASE_TTL_MIN_MS = 5_000;
export const ENGINE_LEASE_TTL_MAX_MS = 600_000;

export interface LeaseRequest {
  engine_id: string;
  session_ids: string[];
  ttl_ms: number;
}

/** `held`: the engine holds these now; `refused`: another engine holds them. */
export interface LeaseAnswer {
  held: string[];
  refused: string[];
}

export interface ReleaseRequest {
  engine_id: string;
  session_ids: string[];
}

export interface ClaimsRequest {
  engine_id: string;
  /** How many more sessions the engine can take. */
  capacity: number;
  /** Sessions the engine runs now; left out of the answer. */
  running_session_ids?: string[];
}

/**
 * Sessions that should run, are linked (auth stored) and have no live owner — or whose lease
 * is still the asking engine's own from before it restarted.
 */
export interface ClaimsAnswer {
  session_ids: string[];
}

/** `PUT` body and `GET` answer of the auth-state path; `archive` is base64. */
export interface AuthStateBody {
  engine_id: string;
  archive: string;
}

export interface AuthStateView {
  archive: string;
  updated_at: string;
}
