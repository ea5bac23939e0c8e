import type { MetaCredentialsInput } from '@switchboard/contracts';
import type { SecretBox } from '@switchboard/contracts/node';
import type { MetaPhoneNumberInfo } from '../whatsapp/meta-cloud/meta-credentials.checker';

/**
 * What is sealed into `whatsapp_sessions.session_data` for a Meta number (the keys Blazz's
 * credential migration used). Rows moved from Blazz may hold `phone_number_id` as a number.
 */
export interface StoredMetaCredentials {
  access_token: string;
  phone_number_id: string;
  waba_id: string;
  api_version: string;
  app_secret?: string;
  app_id?: string;
}

/** Seals the credentials Graph accepted, with the API version it answered on. */
export function sealMetaCredentials(
  box: SecretBox,
  input: MetaCredentialsInput,
  info: MetaPhoneNumberInfo,
): string {
  const stored: StoredMetaCredentials = {
    access_token: input.access_token,
    phone_number_id: input.phone_number_id,
    waba_id: input.waba_id,
    api_version: info.apiVersion,
    ...(input.app_secret ? { app_secret: input.app_secret } : {}),
  };
  return box.seal(JSON.stringify(stored));
}

/** The stored credentials, or null when none are stored; throws when they cannot be opened. */
export function openMetaCredentials(
  box: SecretBox,
  sealed: string | null,
): StoredMetaCredentials | null {
  if (!sealed) return null;
  const value: unknown = JSON.parse(box.openText(sealed));
  return typeof value === 'object' && value !== null ? (value as StoredMetaCredentials) : null;
}
