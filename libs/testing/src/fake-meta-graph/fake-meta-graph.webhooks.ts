import { createHmac, randomBytes } from 'node:crypto';
import { ERROR_CODES_HREF, type FakeMetaStatusError } from './fake-meta-graph.errors';
import type { FakeMetaPhoneNumber } from './fake-meta-graph.types';

/**
 * Builders for the `messages` webhook field as the Cloud API delivers it: one
 * `whatsapp_business_account` object, one entry per WABA, one change per event, with
 * timestamps as strings of Unix seconds.
 */

export interface WebhookValue {
  contacts?: Array<{ profile: { name: string }; wa_id: string }>;
  messages?: Array<Record<string, unknown>>;
  statuses?: Array<Record<string, unknown>>;
  errors?: Array<Record<string, unknown>>;
}

export function webhookEnvelope(phone: FakeMetaPhoneNumber, value: WebhookValue): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: phone.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: phone.displayPhoneNumber.replace(/\D/g, ''),
                phone_number_id: phone.phoneNumberId,
              },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

/** `sha256=<hex HMAC-SHA256 of the raw body keyed by the app secret>`. */
export function signatureFor(appSecret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** The legacy `X-Hub-Signature` (SHA-1) Meta still sends beside the SHA-256 one. */
export function sha1SignatureFor(appSecret: string, body: string | Buffer): string {
  return `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`;
}

export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** A `wamid.` id: base64 of a WhatsApp-style opaque key, as the Cloud API returns them. */
export function newWamid(waId: string): string {
  const key = `${waId}\u0015\u0002\u0000\u0011\u0018\u0012${randomBytes(9).toString('hex').toUpperCase()}`;
  return `wamid.${Buffer.from(`HBgL${key}`, 'latin1').toString('base64')}`;
}

export function statusEntry(input: {
  messageId: string;
  status: string;
  recipientId: string;
  at: number;
  category: string;
  error?: FakeMetaStatusError;
}): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: input.messageId,
    status: input.status,
    timestamp: unixSeconds(input.at),
    recipient_id: input.recipientId,
  };
  if (input.status === 'sent' || input.status === 'delivered') {
    entry.pricing = { billable: true, pricing_model: 'PMP', category: input.category };
  }
  if (input.status === 'failed' && input.error) {
    const { code, title, message, details } = input.error;
    entry.errors = [
      {
        code,
        title,
        message: message ?? title,
        error_data: { details: details ?? title },
        href: ERROR_CODES_HREF,
      },
    ];
  }
  return entry;
}
