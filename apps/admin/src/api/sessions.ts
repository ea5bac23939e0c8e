import type {
  CreateWhatsappSessionRequest,
  MetaCredentialsInput,
  RequestPairingCodeRequest,
  WhatsappSessionDetailView,
  WhatsappSessionLimitsView,
  WhatsappSessionView,
} from '@switchboard/contracts';
import { request } from './http';

// The numbers API (`/api/sessions`); a number is a "session" on the wire.

/** Active numbers of the current workspace, primary first, then newest. */
export function listSessions(signal?: AbortSignal): Promise<WhatsappSessionView[]> {
  return request<WhatsappSessionView[]>('/sessions', { signal });
}

export function getSessionLimits(signal?: AbortSignal): Promise<WhatsappSessionLimitsView> {
  return request<WhatsappSessionLimitsView>('/sessions/limits', { signal });
}

export function getSession(uuid: string, signal?: AbortSignal): Promise<WhatsappSessionDetailView> {
  return request<WhatsappSessionDetailView>(`/sessions/${encodeURIComponent(uuid)}`, { signal });
}

/** A WhatsApp Web number: the engine starts it and its QR arrives as a realtime event. */
export function createWebJsSession(): Promise<WhatsappSessionDetailView> {
  const body: CreateWhatsappSessionRequest = { provider_type: 'webjs' };
  return request<WhatsappSessionDetailView>('/sessions', { method: 'POST', body });
}

/** A Meta Cloud API number; the server checks the credentials with the Graph API first. */
export function createMetaSession(meta: MetaCredentialsInput): Promise<WhatsappSessionDetailView> {
  const body: CreateWhatsappSessionRequest = { provider_type: 'meta', meta };
  return request<WhatsappSessionDetailView>('/sessions', { method: 'POST', body });
}

function command(uuid: string, action: string): Promise<WhatsappSessionDetailView> {
  return request<WhatsappSessionDetailView>(`/sessions/${encodeURIComponent(uuid)}/${action}`, {
    method: 'POST',
  });
}

export function setPrimarySession(uuid: string): Promise<WhatsappSessionDetailView> {
  return command(uuid, 'primary');
}

export function reconnectSession(uuid: string): Promise<WhatsappSessionDetailView> {
  return command(uuid, 'reconnect');
}

export function regenerateSessionQr(uuid: string): Promise<WhatsappSessionDetailView> {
  return command(uuid, 'regenerate-qr');
}

/** Link by a code typed on the phone instead of a QR; the code arrives as a realtime event. */
export function requestSessionPairingCode(
  uuid: string,
  phoneNumber: string,
): Promise<WhatsappSessionDetailView> {
  const body: RequestPairingCodeRequest = { phone_number: phoneNumber };
  return request<WhatsappSessionDetailView>(`/sessions/${encodeURIComponent(uuid)}/pairing-code`, {
    method: 'POST',
    body,
  });
}

export function disconnectSession(uuid: string): Promise<WhatsappSessionDetailView> {
  return command(uuid, 'disconnect');
}

export function deleteSession(uuid: string): Promise<void> {
  return request<void>(`/sessions/${encodeURIComponent(uuid)}`, { method: 'DELETE' });
}
