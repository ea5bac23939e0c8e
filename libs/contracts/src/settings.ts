/** Realtime broadcast drivers an admin can switch between at runtime. */
export const BROADCAST_DRIVERS = ['socketio', 'pusher'] as const;
export type BroadcastDriver = (typeof BROADCAST_DRIVERS)[number];
export const DEFAULT_BROADCAST_DRIVER: BroadcastDriver = 'socketio';

/**
 * Keys of the platform `settings` table (Blazz's key/value table) owned by Switchboard.
 * Blazz's `pusher_*` keys are reused as they are.
 */
export const SettingKey = {
  BROADCAST_DRIVER: 'broadcast_driver',
  PUSHER_APP_ID: 'pusher_app_id',
  PUSHER_APP_KEY: 'pusher_app_key',
  PUSHER_APP_SECRET: 'pusher_app_secret',
  PUSHER_APP_CLUSTER: 'pusher_app_cluster',
  PUSHER_HOST: 'pusher_host',
  PUSHER_PORT: 'pusher_port',
  PUSHER_SCHEME: 'pusher_scheme',
} as const;
export type SettingKey = (typeof SettingKey)[keyof typeof SettingKey];

/** Values the migrations seed where a key is absent; existing values are never touched. */
export const SETTING_DEFAULTS: Record<SettingKey, string> = {
  broadcast_driver: DEFAULT_BROADCAST_DRIVER,
  pusher_app_id: '',
  pusher_app_key: '',
  pusher_app_secret: '',
  pusher_app_cluster: 'mt1',
  pusher_host: '',
  pusher_port: '443',
  pusher_scheme: 'https',
};

/** A plan's WhatsApp-number limit when the plan never said one (Blazz's trial default). */
export const DEFAULT_MAX_WHATSAPP_NUMBERS = 1;

/** The schemes a Pusher-protocol server can be reached on. */
export const PUSHER_SCHEMES = ['https', 'http'] as const;
export type PusherScheme = (typeof PUSHER_SCHEMES)[number];

/**
 * `GET /api/admin/settings/broadcast`: the broadcast settings as a platform admin sees them.
 * The app secret is never sent back; `app_secret_set` says whether one is stored.
 */
export interface BroadcastSettingsView {
  driver: BroadcastDriver;
  pusher: {
    app_id: string;
    app_key: string;
    app_secret_set: boolean;
    cluster: string;
    /** Empty for Pusher Channels; the host of a self-hosted server (Reverb, soketi) otherwise. */
    host: string;
    port: number;
    scheme: PusherScheme;
  };
}

/**
 * `PUT /api/admin/settings/broadcast` and `POST …/broadcast/test`. Pusher fields left out keep
 * their stored value; `app_secret` is only sent to change it.
 */
export interface UpdateBroadcastSettingsRequest {
  driver: BroadcastDriver;
  pusher?: Partial<Omit<BroadcastSettingsView['pusher'], 'app_secret_set'>> & {
    app_secret?: string;
  };
}

/** Why a broadcast driver test failed. */
export const BroadcastTestErrorCode = {
  /** The Pusher server answered, with an error status (wrong app id, key or secret, …). */
  PUSHER_REJECTED: 'PUSHER_REJECTED',
  /** The Pusher server could not be reached (DNS, refused connection, TLS). */
  PUSHER_UNREACHABLE: 'PUSHER_UNREACHABLE',
  /** The Pusher server did not answer in time. */
  PUSHER_TIMEOUT: 'PUSHER_TIMEOUT',
  PUBLISH_FAILED: 'PUBLISH_FAILED',
} as const;
export type BroadcastTestErrorCode =
  (typeof BroadcastTestErrorCode)[keyof typeof BroadcastTestErrorCode];

/** Answer of the "test" action: a test event was published through the driver, or why not. */
export type BroadcastTestResult =
  | { ok: true; driver: BroadcastDriver; latency_ms: number }
  | {
      ok: false;
      driver: BroadcastDriver;
      error: { code: BroadcastTestErrorCode; message: string };
    };

/**
 * `GET /api/realtime/config`: all a browser needs to build its laravel-echo client, and nothing
 * secret. Private channels are authorized at `auth_endpoint` (pusher) or in the socket (socketio).
 */
export type RealtimeClientConfig =
  | { driver: 'socketio'; path: string }
  | {
      driver: 'pusher';
      key: string;
      cluster: string;
      /** Empty for Pusher Channels (pusher-js derives it from the cluster). */
      host: string;
      port: number;
      scheme: PusherScheme;
      auth_endpoint: string;
    };

/** Where pusher-js asks the server to sign private and presence channel subscriptions. */
export const BROADCASTING_AUTH_PATH = '/broadcasting/auth';
