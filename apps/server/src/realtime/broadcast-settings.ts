import {
  BROADCAST_DRIVERS,
  BROADCASTING_AUTH_PATH,
  DEFAULT_BROADCAST_DRIVER,
  PUSHER_SCHEMES,
  SettingKey,
  type BroadcastDriver,
  type BroadcastSettingsView,
  type FieldProblem,
  type PusherScheme,
  type RealtimeClientConfig,
  type UpdateBroadcastSettingsRequest,
} from '@switchboard/contracts';
import type { SettingValues } from '../settings/settings.service';
import type { PusherConnection } from './drivers/pusher-broadcast-driver';

/** The settings keys the broadcast drivers own. */
export const BROADCAST_SETTING_KEYS = [
  SettingKey.BROADCAST_DRIVER,
  SettingKey.PUSHER_APP_ID,
  SettingKey.PUSHER_APP_KEY,
  SettingKey.PUSHER_APP_SECRET,
  SettingKey.PUSHER_APP_CLUSTER,
  SettingKey.PUSHER_HOST,
  SettingKey.PUSHER_PORT,
  SettingKey.PUSHER_SCHEME,
] as const;
type BroadcastSettingKey = (typeof BROADCAST_SETTING_KEYS)[number];

export interface PusherSettings {
  appId: string;
  key: string;
  secret: string;
  cluster: string;
  host: string;
  port: number;
  scheme: PusherScheme;
}

export interface BroadcastSettings {
  driver: BroadcastDriver;
  pusher: PusherSettings;
}

/** Reads stored values leniently: Blazz may hold anything, and a bad value must not stop broadcasts. */
export function broadcastSettingsFrom(
  values: SettingValues<BroadcastSettingKey>,
): BroadcastSettings {
  const driver = values.broadcast_driver.trim();
  const scheme = values.pusher_scheme.trim();
  const port = Number(values.pusher_port);
  return {
    driver: (BROADCAST_DRIVERS as readonly string[]).includes(driver)
      ? (driver as BroadcastDriver)
      : DEFAULT_BROADCAST_DRIVER,
    pusher: {
      appId: values.pusher_app_id.trim(),
      key: values.pusher_app_key.trim(),
      secret: values.pusher_app_secret,
      cluster: values.pusher_app_cluster.trim(),
      host: values.pusher_host.trim(),
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 443,
      scheme: (PUSHER_SCHEMES as readonly string[]).includes(scheme)
        ? (scheme as PusherScheme)
        : 'https',
    },
  };
}

export function toSettingValues(settings: BroadcastSettings): Record<BroadcastSettingKey, string> {
  const { pusher } = settings;
  return {
    broadcast_driver: settings.driver,
    pusher_app_id: pusher.appId,
    pusher_app_key: pusher.key,
    pusher_app_secret: pusher.secret,
    pusher_app_cluster: pusher.cluster,
    pusher_host: pusher.host,
    pusher_port: String(pusher.port),
    pusher_scheme: pusher.scheme,
  };
}

/** A request applied over the stored settings: fields left out keep their value. */
export function applyUpdate(
  current: BroadcastSettings,
  request: UpdateBroadcastSettingsRequest,
): BroadcastSettings {
  const patch = request.pusher ?? {};
  const pick = <T>(value: T | undefined, fallback: T): T =>
    value === undefined ? fallback : value;
  return {
    driver: request.driver,
    pusher: {
      appId: pick(patch.app_id?.trim(), current.pusher.appId),
      key: pick(patch.app_key?.trim(), current.pusher.key),
      secret: pick(patch.app_secret, current.pusher.secret),
      cluster: pick(patch.cluster?.trim(), current.pusher.cluster),
      host: pick(patch.host?.trim(), current.pusher.host),
      port: pick(patch.port, current.pusher.port),
      scheme: pick(patch.scheme, current.pusher.scheme),
    },
  };
}

/** What the chosen driver cannot work without; an empty list means the settings are usable. */
export function missingFields(settings: BroadcastSettings): FieldProblem[] {
  if (settings.driver !== 'pusher') return [];
  const { pusher } = settings;
  const required: Array<[string, string]> = [
    ['pusher.app_id', pusher.appId],
    ['pusher.app_key', pusher.key],
    ['pusher.app_secret', pusher.secret],
  ];
  const problems = required
    .filter(([, value]) => value === '')
    .map(([field]) => ({ field, problems: [`${field} is required for the pusher driver`] }));
  if (!pusher.host && !pusher.cluster) {
    problems.push({
      field: 'pusher.cluster',
      problems: ['pusher.cluster or pusher.host is required for the pusher driver'],
    });
  }
  return problems;
}

export function toView(settings: BroadcastSettings): BroadcastSettingsView {
  const { pusher } = settings;
  return {
    driver: settings.driver,
    pusher: {
      app_id: pusher.appId,
      app_key: pusher.key,
      app_secret_set: pusher.secret !== '',
      cluster: pusher.cluster,
      host: pusher.host,
      port: pusher.port,
      scheme: pusher.scheme,
    },
  };
}

export function pusherConnectionFrom(pusher: PusherSettings): PusherConnection {
  return {
    appId: pusher.appId,
    key: pusher.key,
    secret: pusher.secret,
    cluster: pusher.cluster,
    host: pusher.host,
    port: pusher.port,
    useTLS: pusher.scheme === 'https',
  };
}

/** The browser's half: nothing secret, only what pusher-js or socket.io-client needs. */
export function clientConfigFrom(settings: BroadcastSettings): RealtimeClientConfig {
  if (settings.driver === 'socketio') return { driver: 'socketio', path: '/socket.io' };
  const { pusher } = settings;
  return {
    driver: 'pusher',
    key: pusher.key,
    cluster: pusher.cluster,
    host: pusher.host,
    port: pusher.port,
    scheme: pusher.scheme,
    auth_endpoint: BROADCASTING_AUTH_PATH,
  };
}
