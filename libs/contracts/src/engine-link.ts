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
  /** An engine says it is alive and where the server reaches it (every third of its TTL). */
  announce: '/api/engine/engines/announce',
  /** An engine that shuts down leaves the registry at once instead of when its TTL runs out. */
  withdraw: '/api/engine/engines/withdraw',
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

/**
 * An engine's presence beat (`POST` to the announce path): the server routes a session's commands
 * to the engine holding its lease at `url`, and new sessions to the live engine with the fewest.
 * The engine counts as gone `ttl_ms` after its last beat.
 */
export interface EngineAnnouncement {
  engine_id: string;
  /** Where the server reaches the engine's command API (`ENGINE_PUBLIC_URL`). */
  url: string;
  /** Sessions running on the engine now (warm-pool clients not counted). */
  sessions: number;
  max_sessions: number;
  /** The engine process and its Chromiums, when the engine measured them. */
  memory_mb: number | null;
  ttl_ms: number;
}

export interface EngineWithdrawal {
  engine_id: string;
}

/** One engine as the server's registry knows it (`EngineRegistry.list()`), for the platform admin. */
export interface EngineView {
  engine_id: string;
  url: string;
  /** Sessions it runs, as of its last beat (plus starts the server sent it since). */
  sessions: number;
  max_sessions: number;
  memory_mb: number | null;
  /** ISO 8601 time of its last beat. */
  last_seen_at: string;
  /** False once `ttl_ms` passed since the last beat: it died or lost the server. */
  live: boolean;
}
