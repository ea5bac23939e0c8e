import type {
  LoginRequest,
  SessionView,
  SwitchWorkspaceRequest,
  UpdateProfileRequest,
} from '@switchboard/contracts';
import { request } from './http';

export function login(credentials: LoginRequest): Promise<SessionView> {
  return request<SessionView>('/auth/login', {
    method: 'POST',
    body: credentials,
    workspaceScoped: false,
    sessionExpiredOn401: false,
  });
}

/** A 401 here means "already signed out", which is what the caller wants. */
export function logout(): Promise<void> {
  return request<void>('/auth/logout', {
    method: 'POST',
    workspaceScoped: false,
    sessionExpiredOn401: false,
  });
}

export function getMe(): Promise<SessionView> {
  return request<SessionView>('/auth/me', { workspaceScoped: false });
}

export function switchWorkspace(workspaceId: number): Promise<SessionView> {
  const body: SwitchWorkspaceRequest = { workspace_id: workspaceId };
  return request<SessionView>('/auth/workspace', {
    method: 'PUT',
    body,
    workspaceScoped: false,
  });
}

/** The signed-in user's own profile (their language); answers with the updated session. */
export function updateProfile(changes: UpdateProfileRequest): Promise<SessionView> {
  return request<SessionView>('/auth/me', {
    method: 'PATCH',
    body: changes,
    workspaceScoped: false,
  });
}
