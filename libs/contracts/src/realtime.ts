// Echo channels and events: every name, payload shape and channel authorization rule, once.
// The server evaluates the rules (realtime module); the SPA builds channel names and listens
// with a leading dot (`.message.received`).
import type { MessageStatus } from './acks';
import type { SubscriptionPlanView } from './platform';
import type { WorkspaceRole } from './roles';
import type { DisconnectReason, SessionStatus } from './session-status';
import type { BroadcastDriver } from './settings';

// ---------------------------------------------------------------------------------------------
// Wire names of the laravel-echo Socket.IO protocol (laravel-echo-server conventions).

export const ECHO_WIRE = {
  SUBSCRIBE: 'subscribe',
  UNSUBSCRIBE: 'unsubscribe',
  CLIENT_EVENT: 'client event',
  SUBSCRIPTION_ERROR: 'subscription_error',
  PRESENCE_SUBSCRIBED: 'presence:subscribed',
  PRESENCE_JOINING: 'presence:joining',
  PRESENCE_LEAVING: 'presence:leaving',
} as const;

/** Whisper event names are `client-<name>` (Echo's `whisper('typing')` sends `client-typing`). */
export const WHISPER_PREFIX = 'client-';

/** The statuses `subscription_error(channel, status)` carries. */
export const SubscriptionErrorStatus = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNKNOWN_CHANNEL: 404,
  TOO_MANY_SUBSCRIPTIONS: 429,
  SERVER_ERROR: 500,
} as const;
export type SubscriptionErrorStatus =
  (typeof SubscriptionErrorStatus)[keyof typeof SubscriptionErrorStatus];

/** A presence member as it travels in `presence:*` packets; Echo hands `user_info` to callbacks. */
export interface PresenceMember<Info = unknown> {
  user_id: number;
  user_info: Info;
}

/** `user_info` of `presence-workspace.{id}.agents`. */
export interface AgentPresenceInfo {
  id: number;
  name: string;
  role: WorkspaceRole;
}

// ---------------------------------------------------------------------------------------------
// Channels and their authorization rules (data; the server evaluates them in order, all must hold).

export type ChannelKind = 'public' | 'private' | 'presence';

/** Records a channel may name; the server knows where each lives. */
export type ChannelRecord = 'contact' | 'campaign';

export type ChannelRule =
  /** The user is an active member of the workspace named by `param`. */
  | { rule: 'workspace_member'; param: string }
  /** The record named by `param` exists (not deleted) and belongs to the workspace in `workspaceParam`. */
  | { rule: 'record_in_workspace'; record: ChannelRecord; param: string; workspaceParam: string }
  /** The user is an active member of the workspace that owns the record named by `param`. */
  | { rule: 'record_workspace_member'; record: ChannelRecord; param: string }
  /** The user is the one named by `param`. */
  | { rule: 'self'; param: string }
  /** The user is a platform super admin. */
  | { rule: 'platform_admin' };

export type ChannelParamType = 'id' | 'uuid';

export interface ChannelDefinition {
  kind: Exclude<ChannelKind, 'public'>;
  /** The name after the `private-`/`presence-` prefix, with `{param}` placeholders. */
  pattern: string;
  params: Record<string, ChannelParamType>;
  authorize: readonly ChannelRule[];
  /** Presence channels: what `user_info` carries. */
  presenceInfo?: 'agent';
}

export const CHANNELS = {
  workspace: {
    kind: 'private',
    pattern: 'workspace.{workspaceId}',
    params: { workspaceId: 'id' },
    authorize: [{ rule: 'workspace_member', param: 'workspaceId' }],
  },
  workspaceChat: {
    kind: 'private',
    pattern: 'workspace.{workspaceId}.chat.{contactId}',
    params: { workspaceId: 'id', contactId: 'id' },
    authorize: [
      { rule: 'workspace_member', param: 'workspaceId' },
      {
        rule: 'record_in_workspace',
        record: 'contact',
        param: 'contactId',
        workspaceParam: 'workspaceId',
      },
    ],
  },
  workspaceAgents: {
    kind: 'presence',
    pattern: 'workspace.{workspaceId}.agents',
    params: { workspaceId: 'id' },
    authorize: [{ rule: 'workspace_member', param: 'workspaceId' }],
    presenceInfo: 'agent',
  },
  user: {
    kind: 'private',
    pattern: 'user.{userId}',
    params: { userId: 'id' },
    authorize: [{ rule: 'self', param: 'userId' }],
  },
  campaign: {
    kind: 'private',
    pattern: 'campaign.{campaignUuid}',
    params: { campaignUuid: 'uuid' },
    authorize: [{ rule: 'record_workspace_member', record: 'campaign', param: 'campaignUuid' }],
  },
  /** Every workspace's number statuses and plan changes, for the platform admin pages. */
  platform: {
    kind: 'private',
    pattern: 'platform',
    params: {},
    authorize: [{ rule: 'platform_admin' }],
  },
} as const satisfies Record<string, ChannelDefinition>;

export type ChannelKey = keyof typeof CHANNELS;

export type WorkspaceChannelName = `private-workspace.${number}`;
export type WorkspaceChatChannelName = `private-workspace.${number}.chat.${number}`;
export type WorkspaceAgentsChannelName = `presence-workspace.${number}.agents`;
export type UserChannelName = `private-user.${number}`;
export type CampaignChannelName = `private-campaign.${string}`;
export type PlatformChannelName = 'private-platform';

export interface ChannelNames {
  workspace: WorkspaceChannelName;
  workspaceChat: WorkspaceChatChannelName;
  workspaceAgents: WorkspaceAgentsChannelName;
  user: UserChannelName;
  campaign: CampaignChannelName;
  platform: PlatformChannelName;
}

/** Full wire names (with prefix), as the server emits them and Echo filters on them. */
export const workspaceChannel = (workspaceId: number): WorkspaceChannelName =>
  `private-workspace.${workspaceId}`;
export const workspaceChatChannel = (
  workspaceId: number,
  contactId: number,
): WorkspaceChatChannelName => `private-workspace.${workspaceId}.chat.${contactId}`;
export const workspaceAgentsChannel = (workspaceId: number): WorkspaceAgentsChannelName =>
  `presence-workspace.${workspaceId}.agents`;
export const userChannel = (userId: number): UserChannelName => `private-user.${userId}`;
export const campaignChannel = (campaignUuid: string): CampaignChannelName =>
  `private-campaign.${campaignUuid}`;
export const platformChannel = (): PlatformChannelName => 'private-platform';

/**
 * The name to give Echo: `echo.private(echoName(name))` / `echo.join(...)`, since Echo adds the
 * prefix itself.
 */
export function echoChannelName(wireName: string): string {
  return wireName.replace(/^(private|presence)-/, '');
}

export type ParsedChannel =
  | { kind: 'public'; name: string }
  | {
      kind: 'private' | 'presence';
      name: string;
      key: ChannelKey;
      params: Record<string, string | number>;
    };

const PARAM_PATTERNS: Record<ChannelParamType, string> = {
  id: '([1-9][0-9]{0,17})',
  uuid: '([0-9A-Za-z-]{1,64})',
};

const MATCHERS = (Object.keys(CHANNELS) as ChannelKey[]).map((key) => {
  const definition: ChannelDefinition = CHANNELS[key];
  const names: string[] = [];
  const source = definition.pattern
    .split(/(\{\w+\})/)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param);
      return PARAM_PATTERNS[definition.params[param]!];
    })
    .join('');
  return {
    key,
    definition,
    names,
    regex: new RegExp(`^${definition.kind}-${source}$`),
  };
});

/** Longest accepted channel name; anything longer is refused without a look at the rules. */
export const MAX_CHANNEL_NAME_LENGTH = 200;

/**
 * Classifies a wire channel name: public (no prefix), one of {@link CHANNELS}, or null for a
 * `private-`/`presence-` name that matches no declared channel (and for malformed names).
 */
export function parseChannel(name: string): ParsedChannel | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_CHANNEL_NAME_LENGTH) {
    return null;
  }
  // Control characters and whitespace never belong in a channel name.
  if (/[\s\p{Cc}]/u.test(name)) return null;
  if (!/^(private|presence)-/.test(name)) return { kind: 'public', name };
  for (const { key, definition, names, regex } of MATCHERS) {
    const match = regex.exec(name);
    if (!match) continue;
    const params: Record<string, string | number> = {};
    names.forEach((param, i) => {
      const raw = match[i + 1]!;
      params[param] = definition.params[param] === 'id' ? Number(raw) : raw;
    });
    return { kind: definition.kind, name, key, params };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Events (wire names; listen with a leading dot) and their payloads.

export const RealtimeEvent = {
  QR_CODE_GENERATED: 'qr-code-generated',
  PAIRING_CODE_GENERATED: 'pairing-code-generated',
  SESSION_STATUS_CHANGED: 'session-status-changed',
  MESSAGE_RECEIVED: 'message.received',
  MESSAGE_STATUS_UPDATED: 'message.status.updated',
  /** An agent read a conversation: every open inbox drops its unread count. */
  CONVERSATION_READ: 'conversation.read',
  CAMPAIGN_STATISTICS_UPDATED: 'campaign.statistics.updated',
  /** Tells browsers to fetch the realtime config again and rebuild their Echo client. */
  DRIVER_CHANGED: 'realtime.driver-changed',
  /** Published by a platform admin's "test" of a broadcast driver, to their own user channel. */
  DRIVER_TEST: 'realtime.driver-test',
  /** A platform admin changed a subscription plan (platform channel). */
  PLAN_UPDATED: 'platform.plan-updated',
} as const;
export type RealtimeEventName = (typeof RealtimeEvent)[keyof typeof RealtimeEvent];

/** Timestamps are ISO-8601 strings in UTC. */
export interface QrCodeGeneratedPayload {
  workspace_id: number;
  session_uuid: string;
  /** `data:image/png;base64,...` */
  qr_code_base64: string;
  /** Seconds until the engine stops waiting for a scan (the end of the QR window). */
  expires_in_seconds: number;
  /** When the engine stops waiting for a scan and the session stops with `qr_expired`. */
  window_ends_at: string;
  at: string;
}

/** The code to type on the phone (Linked devices → Link with phone number instead). */
export interface PairingCodeGeneratedPayload {
  workspace_id: number;
  session_uuid: string;
  code: string;
  window_ends_at: string;
  at: string;
}

export interface SessionStatusChangedPayload {
  workspace_id: number;
  session_uuid: string;
  status: SessionStatus;
  /** E.164 with `+`, once the number is known. */
  phone_number: string | null;
  reason?: DisconnectReason;
  /** The engine that reported it, when an engine did. */
  engine_id?: string;
  at: string;
}

export interface RealtimeContact {
  id: number;
  /** The id the inbox API names the contact by (`/api/conversations/{uuid}`). */
  uuid: string;
  name: string;
  phone: string | null;
  avatar: string | null;
  unread_messages: number;
}

export interface RealtimeMessage {
  id: number;
  /** The id the inbox API names the message by. */
  uuid: string;
  contact_id: number;
  /** The linked number that sent or received it. */
  session_uuid: string | null;
  provider_message_id: string | null;
  direction: 'inbound' | 'outbound';
  type: string;
  status: MessageStatus;
  body: string | null;
  from_me: boolean;
  media: { url: string; mime_type: string; filename: string | null } | null;
  /** The agent who sent it, for outbound messages sent from Switchboard. */
  user_id: number | null;
  created_at: string;
}

export interface MessageReceivedPayload {
  workspace_id: number;
  contact: RealtimeContact;
  message: RealtimeMessage;
  at: string;
}

export interface MessageStatusUpdatedPayload {
  workspace_id: number;
  contact_id: number;
  message_id: number;
  provider_message_id: string | null;
  status: MessageStatus;
  at: string;
}

export interface ConversationReadPayload {
  workspace_id: number;
  contact_id: number;
  contact_uuid: string;
  /** The number whose messages were read; null when all of the contact's numbers were. */
  session_uuid: string | null;
  marked_read: number;
  /** The contact's unread messages left on all numbers. */
  unread_messages: number;
  at: string;
}

export interface CampaignStatistics {
  total: number;
  pending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
}

export interface CampaignStatisticsUpdatedPayload {
  workspace_id: number;
  campaign_uuid: string;
  statistics: CampaignStatistics;
  at: string;
}

export interface RealtimeDriverChangedPayload {
  driver: BroadcastDriver;
  at: string;
}

export interface RealtimeDriverTestPayload {
  driver: BroadcastDriver;
  /** Echoed back so the page that asked can tell its own test apart. */
  test_id: string;
  at: string;
}

export interface PlanUpdatedPayload {
  plan: SubscriptionPlanView;
  at: string;
}

export interface RealtimeEventMap {
  'qr-code-generated': QrCodeGeneratedPayload;
  'pairing-code-generated': PairingCodeGeneratedPayload;
  'session-status-changed': SessionStatusChangedPayload;
  'message.received': MessageReceivedPayload;
  'message.status.updated': MessageStatusUpdatedPayload;
  'conversation.read': ConversationReadPayload;
  'campaign.statistics.updated': CampaignStatisticsUpdatedPayload;
  'realtime.driver-changed': RealtimeDriverChangedPayload;
  'realtime.driver-test': RealtimeDriverTestPayload;
  'platform.plan-updated': PlanUpdatedPayload;
}

/** Which channels each event may be broadcast on; Switchboard never broadcasts on public channels. */
export const EVENT_CHANNELS = {
  'qr-code-generated': ['workspace'],
  'pairing-code-generated': ['workspace'],
  'session-status-changed': ['workspace', 'platform'],
  'message.received': ['workspace', 'workspaceChat'],
  'message.status.updated': ['workspace', 'workspaceChat'],
  'conversation.read': ['workspace', 'workspaceChat'],
  'campaign.statistics.updated': ['workspace', 'campaign'],
  'realtime.driver-changed': ['workspace', 'user'],
  'realtime.driver-test': ['user'],
  'platform.plan-updated': ['platform'],
} as const satisfies { [E in RealtimeEventName]: readonly ChannelKey[] };

/** The wire channel names an event may go to, as a type. */
export type ChannelFor<E extends RealtimeEventName> =
  ChannelNames[(typeof EVENT_CHANNELS)[E][number]];
