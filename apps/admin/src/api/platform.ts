import type {
  BroadcastSettingsView,
  BroadcastTestResult,
  PlatformHealthView,
  PlatformSessionView,
  SubscriptionPlanView,
  UpdateBroadcastSettingsRequest,
  UpdateSubscriptionPlanRequest,
} from '@switchboard/contracts';
import { request } from './http';

// The platform admin API (`/api/admin/*`); none of it is scoped to a workspace.

export function getBroadcastSettings(signal?: AbortSignal): Promise<BroadcastSettingsView> {
  return request<BroadcastSettingsView>('/admin/settings/broadcast', {
    signal,
    workspaceScoped: false,
  });
}

/** Saves and switches every open page's realtime connection; the secret only when it changed. */
export function saveBroadcastSettings(
  body: UpdateBroadcastSettingsRequest,
): Promise<BroadcastSettingsView> {
  return request<BroadcastSettingsView>('/admin/settings/broadcast', {
    method: 'PUT',
    body,
    workspaceScoped: false,
  });
}

/** Publishes a test event with these (unsaved) settings; a failure is an answer, not an error. */
export function testBroadcastSettings(
  body: UpdateBroadcastSettingsRequest,
): Promise<BroadcastTestResult> {
  return request<BroadcastTestResult>('/admin/settings/broadcast/test', {
    method: 'POST',
    body,
    workspaceScoped: false,
  });
}

export function listPlans(signal?: AbortSignal): Promise<SubscriptionPlanView[]> {
  return request<SubscriptionPlanView[]>('/admin/plans', { signal, workspaceScoped: false });
}

export function updatePlanLimit(id: number, maxNumbers: number): Promise<SubscriptionPlanView> {
  const body: UpdateSubscriptionPlanRequest = { max_whatsapp_numbers: maxNumbers };
  return request<SubscriptionPlanView>(`/admin/plans/${id}`, {
    method: 'PATCH',
    body,
    workspaceScoped: false,
  });
}

export function listAllSessions(signal?: AbortSignal): Promise<PlatformSessionView[]> {
  return request<PlatformSessionView[]>('/admin/sessions', { signal, workspaceScoped: false });
}

export function getPlatformHealth(signal?: AbortSignal): Promise<PlatformHealthView> {
  return request<PlatformHealthView>('/admin/health', { signal, workspaceScoped: false });
}
