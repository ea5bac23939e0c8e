import type {
  QrCodeGeneratedPayload,
  SessionStatusChangedPayload,
  WhatsappSessionDetailView,
  WhatsappSessionLimitsView,
} from '@switchboard/contracts';

let seq = 0;

/** A number as the API answers it; every field can be overridden. */
export function aSession(
  overrides: Partial<WhatsappSessionDetailView> = {},
): WhatsappSessionDetailView {
  seq += 1;
  return {
    uuid: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    name: null,
    phone_number: null,
    provider_type: 'webjs',
    status: 'initializing',
    disconnect_reason: null,
    is_primary: false,
    health_score: 100,
    last_connected_at: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    qr_code: null,
    pairing_code: null,
    qr_window_ends_at: null,
    ...overrides,
  };
}

export function limitsOf(current: number, max: number): WhatsappSessionLimitsView {
  return { can_add_number: current < max, current_count: current, max_allowed: max };
}

export function qrEvent(
  workspaceId: number,
  uuid: string,
  qr: string,
  windowEndsAt: Date,
): QrCodeGeneratedPayload {
  return {
    workspace_id: workspaceId,
    session_uuid: uuid,
    qr_code_base64: qr,
    expires_in_seconds: Math.round((windowEndsAt.getTime() - Date.now()) / 1000),
    window_ends_at: windowEndsAt.toISOString(),
    at: new Date().toISOString(),
  };
}

export function statusEvent(
  workspaceId: number,
  uuid: string,
  status: SessionStatusChangedPayload['status'],
  extra: Partial<SessionStatusChangedPayload> = {},
): SessionStatusChangedPayload {
  return {
    workspace_id: workspaceId,
    session_uuid: uuid,
    status,
    phone_number: null,
    at: new Date().toISOString(),
    ...extra,
  };
}
