import type { WhatsappSessionDetailView, WhatsappSessionView } from '@switchboard/contracts';
import type { QueryDeepPartialEntity } from 'typeorm';
import type { WhatsappSession } from './whatsapp-session.entity';

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

export function toView(session: WhatsappSession): WhatsappSessionView {
  const name = session.metadata?.verified_name;
  return {
    uuid: session.uuid,
    name: typeof name === 'string' ? name : null,
    phone_number: session.phoneNumber,
    provider_type: session.providerType,
    status: session.status,
    disconnect_reason: session.disconnectReason,
    is_primary: Boolean(session.isPrimary),
    health_score: Number(session.healthScore),
    last_connected_at: iso(session.lastConnectedAt),
    created_at: iso(session.createdAt)!,
  };
}

/** Metadata keys of the current scan window; stale once the number leaves `qr_scanning`. */
export const LINKING_METADATA = ['pairing_code', 'qr_window_ends_at'] as const;

/** `metadata` as an update takes it (TypeORM's update type cannot express an open object). */
type MetadataUpdate = QueryDeepPartialEntity<WhatsappSession>['metadata'];

/**
 * The metadata without the scan window's keys, plus `extra`, for a number starting or leaving a
 * scan window.
 */
export function withoutLinking(
  metadata: Record<string, unknown> | null,
  extra: Record<string, unknown> = {},
): MetadataUpdate {
  const rest: Record<string, unknown> = { ...metadata, ...extra };
  for (const key of LINKING_METADATA) delete rest[key];
  return rest as MetadataUpdate;
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function toDetailView(session: WhatsappSession): WhatsappSessionDetailView {
  const scanning = session.status === 'qr_scanning';
  return {
    ...toView(session),
    qr_code: scanning ? session.qrCode : null,
    pairing_code: scanning ? stringOf(session.metadata?.pairing_code) : null,
    qr_window_ends_at: scanning ? stringOf(session.metadata?.qr_window_ends_at) : null,
  };
}
