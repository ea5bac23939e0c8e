import type {
  MessageStatus,
  MessageType,
  NormalizedMedia,
  NormalizedMessage,
  NormalizedStatusError,
  NormalizedStatusUpdate,
  WhatsAppParty,
} from '@switchboard/contracts';

/**
 * Meta's `messages` webhook (Cloud API, `object: whatsapp_business_account`) → the pipeline's
 * messages and status updates, per business number (`metadata.phone_number_id`). Everything is
 * checked before anything is stored: a body that does not have Meta's shape is refused whole.
 */

/** The body is not a Meta webhook; `field` is the dotted path of the first problem. */
export class MetaWebhookFormatError extends Error {
  constructor(readonly field: string) {
    super(`not a WhatsApp Cloud API webhook: ${field} is missing or malformed`);
  }
}

export interface MetaNumberChanges {
  phoneNumberId: string;
  messages: NormalizedMessage[];
  statuses: NormalizedStatusUpdate[];
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const STATUSES: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

/** Ids, names and texts longer than this are not Meta's; keeps hostile input out of the database. */
const MAX_ID_LENGTH = 128;

export function parseMetaWebhook(body: unknown): MetaNumberChanges[] {
  const root = record(body, '');
  if (root.object !== 'whatsapp_business_account') throw new MetaWebhookFormatError('object');
  const entries = array(root.entry, 'entry');
  const byNumber = new Map<string, MetaNumberChanges>();
  entries.forEach((entryValue, e) => {
    const entry = record(entryValue, `entry.${e}`);
    array(entry.changes, `entry.${e}.changes`).forEach((changeValue, c) => {
      const path = `entry.${e}.changes.${c}`;
      const change = record(changeValue, path);
      if (typeof change.field !== 'string') throw new MetaWebhookFormatError(`${path}.field`);
      // Template status, account and quality updates are not messages.
      if (change.field !== 'messages') return;
      const value = record(change.value, `${path}.value`);
      const metadata = record(value.metadata, `${path}.value.metadata`);
      const phoneNumberId = id(metadata.phone_number_id, `${path}.value.metadata.phone_number_id`);
      const names = profileNames(value.contacts, `${path}.value.contacts`);
      const changes = byNumber.get(phoneNumberId) ?? { phoneNumberId, messages: [], statuses: [] };
      byNumber.set(phoneNumberId, changes);
      optionalArray(value.messages, `${path}.value.messages`).forEach((m, i) =>
        changes.messages.push(toMessage(m, names, `${path}.value.messages.${i}`)),
      );
      optionalArray(value.statuses, `${path}.value.statuses`).forEach((s, i) => {
        const update = toStatus(s, `${path}.value.statuses.${i}`);
        if (update) changes.statuses.push(update);
      });
    });
  });
  return [...byNumber.values()];
}

function profileNames(value: unknown, path: string): Map<string, string> {
  const names = new Map<string, string>();
  optionalArray(value, path).forEach((contactValue, i) => {
    const contact = record(contactValue, `${path}.${i}`);
    const waId = id(contact.wa_id, `${path}.${i}.wa_id`);
    const profile = contact.profile;
    if (typeof profile === 'object' && profile !== null) {
      const name = (profile as Record<string, unknown>).name;
      if (typeof name === 'string' && name.trim() !== '')
        names.set(waId, name.trim().slice(0, 128));
    }
  });
  return names;
}

function toMessage(value: unknown, names: Map<string, string>, path: string): NormalizedMessage {
  const m = record(value, path);
  const from = id(m.from, `${path}.from`);
  const providerType = id(m.type, `${path}.type`);
  const customer: WhatsAppParty = /^\d{6,20}$/.test(from)
    ? { id: from, kind: 'phone', phone: from }
    : { id: from, kind: 'other', phone: null };
  const context = m.context;
  const quoted =
    typeof context === 'object' && context !== null
      ? (context as Record<string, unknown>).id
      : undefined;
  const { type, body, media, extra } = content(m, providerType, path);
  return {
    provider: 'meta',
    provider_message_id: id(m.id, `${path}.id`),
    direction: 'inbound',
    source: 'customer',
    conversation: customer,
    sender: customer,
    sender_name: names.get(from) ?? null,
    type,
    provider_type: providerType,
    body,
    timestamp: unixSeconds(m.timestamp, `${path}.timestamp`),
    media,
    quoted_message_id: typeof quoted === 'string' ? quoted.slice(0, MAX_ID_LENGTH) : null,
    // Meta delivered it to the business number.
    status: 'delivered',
    extra,
  };
}

interface Content {
  type: MessageType;
  body: string;
  media: NormalizedMedia | null;
  extra: Record<string, unknown> | null;
}

function content(m: Record<string, unknown>, providerType: string, path: string): Content {
  const part = (name: string): Record<string, unknown> => record(m[name], `${path}.${name}`);
  if (providerType === 'text') {
    const body = part('text').body;
    if (typeof body !== 'string') throw new MetaWebhookFormatError(`${path}.text.body`);
    return { type: 'text', body, media: null, extra: null };
  }
  if (MEDIA_TYPES.has(providerType)) {
    const media = part(providerType);
    const caption = typeof media.caption === 'string' ? media.caption : '';
    return {
      type: providerType as MessageType,
      body: caption,
      media: {
        provider_media_id: id(media.id, `${path}.${providerType}.id`),
        mimetype: typeof media.mime_type === 'string' ? media.mime_type : null,
        filename: typeof media.filename === 'string' ? media.filename : null,
        size: null,
        sha256: typeof media.sha256 === 'string' ? media.sha256 : null,
        voice: media.voice === true,
      },
      extra: null,
    };
  }
  if (providerType === 'location') {
    const location = part('location');
    const label = [location.name, location.address].filter((v) => typeof v === 'string');
    return {
      type: 'location',
      body: label.join(', '),
      media: null,
      extra: {
        location: {
          latitude: location.latitude,
          longitude: location.longitude,
          name: location.name ?? null,
          address: location.address ?? null,
        },
      },
    };
  }
  if (providerType === 'reaction') {
    const reaction = part('reaction');
    const emoji = typeof reaction.emoji === 'string' ? reaction.emoji : '';
    return {
      type: 'reaction',
      body: emoji,
      media: null,
      extra: { reaction: { message_id: reaction.message_id ?? null, emoji } },
    };
  }
  if (providerType === 'button') {
    const button = part('button');
    return {
      type: 'interactive',
      body: typeof button.text === 'string' ? button.text : '',
      media: null,
      extra: { button: { payload: button.payload ?? null } },
    };
  }
  if (providerType === 'interactive') {
    const interactive = part('interactive');
    const reply = interactive.button_reply ?? interactive.list_reply;
    const title =
      typeof reply === 'object' && reply !== null
        ? (reply as Record<string, unknown>).title
        : undefined;
    return {
      type: 'interactive',
      body: typeof title === 'string' ? title : '',
      media: null,
      extra: { interactive },
    };
  }
  if (providerType === 'contacts') {
    const shared = array(m.contacts, `${path}.contacts`);
    const formatted = shared.map((c) => {
      const name = (c as { name?: { formatted_name?: unknown } } | null)?.name?.formatted_name;
      return typeof name === 'string' ? name : '';
    });
    return {
      type: 'contacts',
      body: formatted.filter(Boolean).join(', '),
      media: null,
      extra: { contacts: shared },
    };
  }
  return { type: 'unsupported', body: '', media: null, extra: null };
}

/** A status entry → an update; statuses the pipeline has no place for (e.g. `deleted`) → null. */
function toStatus(value: unknown, path: string): NormalizedStatusUpdate | null {
  const s = record(value, path);
  const providerMessageId = id(s.id, `${path}.id`);
  const name = id(s.status, `${path}.status`);
  const status = STATUSES[name];
  if (!status) return null;
  let error: NormalizedStatusError | null = null;
  if (status === 'failed') {
    const first = optionalArray(s.errors, `${path}.errors`)[0];
    if (typeof first === 'object' && first !== null) {
      const e = first as Record<string, unknown>;
      const details = (e.error_data as { details?: unknown } | undefined)?.details;
      error = {
        code: typeof e.code === 'number' ? e.code : null,
        title: typeof e.title === 'string' ? e.title : 'Failed',
        message:
          typeof e.message === 'string' ? e.message : typeof details === 'string' ? details : null,
      };
    } else {
      error = { code: null, title: 'Failed', message: null };
    }
  }
  return {
    provider_message_id: providerMessageId,
    status,
    timestamp: unixSeconds(s.timestamp, `${path}.timestamp`),
    error,
  };
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MetaWebhookFormatError(path || 'body');
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new MetaWebhookFormatError(path);
  return value;
}

function optionalArray(value: unknown, path: string): unknown[] {
  return value === undefined ? [] : array(value, path);
}

function id(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_ID_LENGTH) {
    throw new MetaWebhookFormatError(path);
  }
  return value;
}

/** Meta sends Unix seconds as a string of digits. */
function unixSeconds(value: unknown, path: string): number {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value))
    throw new MetaWebhookFormatError(path);
  return Number(value);
}
