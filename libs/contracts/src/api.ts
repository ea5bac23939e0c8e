import type { MembershipStatus, WorkspaceRole } from './roles';

/** Header an API client sends to pick which of its workspaces a request acts on. */
export const WORKSPACE_HEADER = 'x-workspace-id';
/** Name of the httpOnly cookie that carries the login session. */
export const SESSION_COOKIE = 'sb_session';
/** Header carrying the request correlation id, echoed on every response. */
export const REQUEST_ID_HEADER = 'x-request-id';

export interface LoginRequest {
  email: string;
  password: string;
}

/** The languages the admin speaks: English and Bahasa Indonesia. */
export const USER_LOCALES = ['en', 'id'] as const;
export type UserLocale = (typeof USER_LOCALES)[number];

export interface UserView {
  id: number;
  email: string;
  name: string;
  is_platform_admin: boolean;
  /** The language this user chose for the admin; null until they choose one. */
  locale: UserLocale | null;
}

/** Body of `PATCH /api/auth/me`: the signed-in user's own profile; answered with a SessionView. */
export interface UpdateProfileRequest {
  locale?: UserLocale;
}

export interface WorkspaceMembershipView {
  id: number;
  uuid: string;
  name: string;
  role: WorkspaceRole;
}

/** Answer of `POST /api/auth/login` and `GET /api/auth/me`. */
export interface SessionView {
  user: UserView;
  workspaces: WorkspaceMembershipView[];
  /** The workspace used when a request names none; null when the user belongs to none. */
  current_workspace_id: number | null;
  /** Bearer token for non-browser clients; browsers use the httpOnly cookie instead. */
  token?: string;
  expires_at: string;
}

export interface SwitchWorkspaceRequest {
  workspace_id: number;
}

export interface WorkspaceView {
  id: number;
  uuid: string;
  name: string;
  identifier: string;
  timezone: string;
  created_at: string;
}

export interface MemberView {
  uuid: string;
  user_id: number;
  email: string;
  name: string;
  role: WorkspaceRole;
  status: MembershipStatus;
}

export interface ContactView {
  uuid: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  created_at: string;
}

export interface Page<T> {
  data: T[];
  /** Opaque cursor for the next page; null on the last page. */
  next_cursor: string | null;
}

export type HealthState = 'up' | 'down';
export interface HealthCheck {
  status: HealthState;
  latency_ms?: number;
  driver?: string;
  error?: string;
  /**
   * Set on checks the server serves without (the engine: the inbox and Meta numbers still work):
   * when only these are down the server is `degraded` but still answers 200.
   */
  optional?: boolean;
  /** What the component reports of itself (the engine: its sessions and memory). */
  details?: Record<string, unknown>;
}
export interface HealthView {
  status: 'ok' | 'degraded';
  version: string;
  uptime_s: number;
  checks: Record<string, HealthCheck>;
}
