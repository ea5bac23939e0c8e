import type { DisconnectReason, ProviderType, SessionStatus } from './session-status';

/**
 * The numbers API (`/api/sessions`): the WhatsApp numbers of the current workspace, linked by QR
 * (WhatsApp Web through an engine) or with Meta Cloud API credentials.
 */
export const SESSIONS_API_PATH = '/api/sessions';

/** Meta Cloud API credentials, checked against the Graph API before they are stored (sealed). */
export interface MetaCredentialsInput {
  access_token: string;
  phone_number_id: string;
  waba_id: string;
  /** Needed to verify the number's webhooks (`X-Hub-Signature-256`). */
  app_secret?: string;
  /** Graph API version such as `v21.0`; the server's default when left out. */
  api_version?: string;
}

/** `POST /api/sessions`. `meta` is required with `provider_type: 'meta'` and refused otherwise. */
export interface CreateWhatsappSessionRequest {
  provider_type: ProviderType;
  /** Defaults to true for the workspace's first number (no primary yet), else false. */
  is_primary?: boolean;
  meta?: MetaCredentialsInput;
}

/** One number as the list shows it. */
export interface WhatsappSessionView {
  uuid: string;
  /** Meta's verified business name; null for WhatsApp Web numbers. */
  name: string | null;
  /** E.164 with `+`, once the number is known. */
  phone_number: string | null;
  provider_type: ProviderType;
  status: SessionStatus;
  disconnect_reason: DisconnectReason | null;
  is_primary: boolean;
  health_score: number;
  last_connected_at: string | null;
  created_at: string;
}

/**
 * `GET /api/sessions/:uuid` and every command's answer: the list view plus what a page opened
 * in the middle of a scan needs to show it (the realtime events carry the same values).
 */
export interface WhatsappSessionDetailView extends WhatsappSessionView {
  /** `data:image/png;base64,…` while the number waits to be linked, else null. */
  qr_code: string | null;
  /** The code to type on the phone, while the number waits to be linked with one, else null. */
  pairing_code: string | null;
  /** When the engine stops waiting for the scan (or the code), while `qr_scanning`, else null. */
  qr_window_ends_at: string | null;
}

/**
 * `POST /api/sessions/:uuid/pairing-code`: link by typing a code on the phone instead of scanning
 * a QR (Linked devices → Link with phone number instead). The code arrives as
 * `pairing-code-generated`.
 */
export interface RequestPairingCodeRequest {
  /** The phone number to link, international format: `+6281234567890` or `6281234567890`. */
  phone_number: string;
}

/** `GET /api/sessions/limits`: how many numbers the workspace's plan allows. */
export interface WhatsappSessionLimitsView {
  can_add_number: boolean;
  /** Active numbers, including those still waiting for their QR scan. */
  current_count: number;
  max_allowed: number;
}

/**
 * `details.reason` of the numbers API's errors, next to the generic `error.code`, so a client can
 * tell e.g. a plan limit (403) from a missing role (403).
 */
export const SessionErrorReason = {
  /** 403: the plan's `max_whatsapp_numbers` is reached; `details` has the counts. */
  PLAN_LIMIT_REACHED: 'plan_limit_reached',
  /** 503: no engine answered (none configured, refused, timed out); the row is kept. */
  ENGINE_UNAVAILABLE: 'engine_unavailable',
  /** 502/503/409/422: the engine answered with an error; `details.engine_code` is its code. */
  ENGINE_ERROR: 'engine_error',
  /** 422: the Graph API refused the credentials; the message is Meta's own. */
  META_CREDENTIALS_REJECTED: 'meta_credentials_rejected',
  /** 503: the Graph API could not be reached or failed on its side. */
  META_UNAVAILABLE: 'meta_unavailable',
  /** 422: the operation does not exist for this provider (e.g. a QR for a Meta number). */
  NOT_SUPPORTED_BY_PROVIDER: 'not_supported_by_provider',
  /** 409: the number's status does not allow the operation (e.g. a new QR for a linked number). */
  INVALID_STATUS: 'invalid_status',
} as const;
export type SessionErrorReason = (typeof SessionErrorReason)[keyof typeof SessionErrorReason];
