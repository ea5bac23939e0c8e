/**
 * The whole lifecycle of a linked number. The same values are stored in
 * `whatsapp_sessions.status`, reported by the engine and shown by the admin SPA.
 */
export const SESSION_STATUSES = [
  'initializing',
  'qr_scanning',
  'authenticated',
  'connected',
  'reconnecting',
  'disconnected',
  'failed',
  'banned',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Why a session is not running; kept in the session's metadata next to the status. */
export const DISCONNECT_REASONS = [
  'user_initiated',
  'logged_out',
  'qr_expired',
  'instance_restart',
  'timeout',
  'error',
  'unknown',
] as const;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

export const PROVIDER_TYPES = ['webjs', 'meta'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
