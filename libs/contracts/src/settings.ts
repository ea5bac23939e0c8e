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
