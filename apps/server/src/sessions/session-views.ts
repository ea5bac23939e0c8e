import type { WhatsappSessionDetailView, WhatsappSessionView } from '@switchboard/contracts';
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

export function toDetailView(session: WhatsappSession): WhatsappSessionDetailView {
  return {
    ...toView(session),
    qr_code: session.status === 'qr_scanning' ? session.qrCode : null,
  };
}
