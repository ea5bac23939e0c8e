// What platform super admins see across every workspace: plans, every linked number, health.
import type { EngineView } from './engine-link';
import type { DisconnectReason, ProviderType, SessionStatus } from './session-status';

/** Largest WhatsApp-number limit a plan may set. */
export const MAX_PLAN_WHATSAPP_NUMBERS = 10_000;

/** `GET /api/admin/plans`: one subscription plan (Blazz `subscription_plans`). */
export interface SubscriptionPlanView {
  id: number;
  uuid: string;
  name: string;
  /** Decimal as text, as the database keeps it (`"49.00"`). */
  price: string;
  period: string;
  status: string;
  /** How many active WhatsApp numbers a workspace on this plan may have. */
  max_whatsapp_numbers: number;
  /** Workspaces whose latest subscription is on this plan. */
  workspaces_count: number;
  updated_at: string | null;
}

/** `PATCH /api/admin/plans/{id}`. */
export interface UpdateSubscriptionPlanRequest {
  max_whatsapp_numbers: number;
}

/** `GET /api/admin/sessions`: one linked number of any workspace. */
export interface PlatformSessionView {
  uuid: string;
  workspace_id: number;
  workspace_name: string;
  /** E.164 with `+`, once the number is known. */
  phone_number: string | null;
  name: string | null;
  provider_type: ProviderType;
  status: SessionStatus;
  disconnect_reason: DisconnectReason | null;
  /** The engine that runs it (WhatsApp Web numbers); null for Meta numbers and unclaimed ones. */
  engine_id: string | null;
  last_connected_at: string | null;
  created_at: string;
}

export interface PlatformQueueDepth {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export type PlatformEngineHealth =
  | {
      status: 'up';
      engine_id: string;
      sessions: { total: number; running: number; max: number };
      memory: { rss_mb: number; heap_used_mb: number };
    }
  | { status: 'down'; error: string };

/** `GET /api/admin/health`: the platform at a glance. */
export interface PlatformHealthView {
  /** Active numbers of every workspace, per status (every status present, zero included). */
  numbers_by_status: Record<SessionStatus, number>;
  numbers_total: number;
  /** Messages stored since `since` (midnight UTC today). */
  messages_today: { inbound: number; outbound: number; total: number };
  since: string;
  queues: PlatformQueueDepth[];
  /** Null when this server has no engine (no ENGINE_URL and no local engine). */
  engine: PlatformEngineHealth | null;
  /** Every engine in the registry (as each last announced itself), live ones first. */
  engines: EngineView[];
  generated_at: string;
}
