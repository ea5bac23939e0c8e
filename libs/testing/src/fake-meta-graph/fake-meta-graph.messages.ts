import { graphErrors } from './fake-meta-graph.errors';
import { MEDIA_LIMITS, baseMimeType, type FakeMetaMediaType } from './fake-meta-graph.media';
import { checkKeys, isRecord, validateTemplateMessage } from './fake-meta-graph.templates';
import type {
  FakeMetaMedia,
  FakeMetaOutboundType,
  FakeMetaTemplate,
} from './fake-meta-graph.types';

/**
 * Validation of `POST /{phone-number-id}/messages` bodies as the Cloud API documents them.
 * Malformed requests fail with code 100 and a message naming the parameter.
 */

export interface MessageContext {
  /** Media uploaded by this phone number. */
  findMedia(id: string): FakeMetaMedia | undefined;
  /** Templates this phone number's WABA may send. */
  templates(): FakeMetaTemplate[];
}

export type ValidatedRequest =
  | { kind: 'read'; messageId: string }
  | {
      kind: 'message';
      type: FakeMetaOutboundType;
      to: string;
      waId: string;
      replyTo: string | null;
      template: FakeMetaTemplate | null;
    };

const OUTBOUND_TYPES: FakeMetaOutboundType[] = [
  'text',
  'image',
  'document',
  'audio',
  'video',
  'sticker',
  'template',
  'reaction',
];
/** Real Cloud API types this fake does not model. */
const UNMODELLED_TYPES = ['contacts', 'interactive', 'location'];

const MEDIA_KEYS: Record<FakeMetaMediaType, string[]> = {
  image: ['id', 'link', 'caption'],
  video: ['id', 'link', 'caption'],
  document: ['id', 'link', 'caption', 'filename'],
  audio: ['id', 'link'],
  sticker: ['id', 'link'],
};

const TOP_LEVEL_KEYS = [
  'messaging_product',
  'recipient_type',
  'to',
  'type',
  'context',
  'biz_opaque_callback_data',
  ...OUTBOUND_TYPES,
];

export function validateMessagesRequest(body: unknown, context: MessageContext): ValidatedRequest {
  if (!isRecord(body) || body.messaging_product === undefined) {
    throw graphErrors.required('messaging_product');
  }
  if (body.messaging_product !== 'whatsapp') {
    throw graphErrors.param(
      `Param messaging_product must be one of {WHATSAPP} - got ${JSON.stringify(body.messaging_product)}.`,
    );
  }
  if (body.status !== undefined) return validateReadRequest(body);

  checkKeys(body, TOP_LEVEL_KEYS, 'message');
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw graphErrors.param(
      `Param recipient_type must be one of {INDIVIDUAL} - got ${JSON.stringify(body.recipient_type)}.`,
    );
  }
  if (body.to === undefined || body.to === '') throw graphErrors.required('to');
  if (typeof body.to !== 'string') throw graphErrors.param('Param to must be a string.');
  const waId = body.to.replace(/[\s()+-]/g, '');
  if (!/^\d{7,15}$/.test(waId)) {
    throw graphErrors.param(
      `Param to must be a phone number in international format - got "${body.to}".`,
    );
  }

  const type = body.type ?? 'text';
  if (typeof type === 'string' && UNMODELLED_TYPES.includes(type)) {
    throw graphErrors.param(`Param type "${type}" is not modelled by the fake Graph API.`);
  }
  if (!OUTBOUND_TYPES.includes(type as FakeMetaOutboundType)) {
    throw graphErrors.param(
      `Param type must be one of {${[...OUTBOUND_TYPES, ...UNMODELLED_TYPES].join(', ').toUpperCase()}} - got ${JSON.stringify(type)}.`,
    );
  }
  const outbound = type as FakeMetaOutboundType;
  for (const other of OUTBOUND_TYPES) {
    if (other !== outbound && body[other] !== undefined) {
      throw graphErrors.param(`Param ${other} is not allowed for messages of type ${outbound}.`);
    }
  }

  let template: FakeMetaTemplate | null = null;
  switch (outbound) {
    case 'text':
      validateText(body.text);
      break;
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker':
      validateMedia(outbound, body[outbound], context);
      break;
    case 'reaction':
      validateReaction(body.reaction);
      break;
    case 'template':
      template = validateTemplateMessage(body.template, context.templates());
      break;
  }

  if (
    body.biz_opaque_callback_data !== undefined &&
    (typeof body.biz_opaque_callback_data !== 'string' ||
      body.biz_opaque_callback_data.length > 512)
  ) {
    throw graphErrors.param(
      'Param biz_opaque_callback_data must be a string of at most 512 characters.',
    );
  }
  return {
    kind: 'message',
    type: outbound,
    to: body.to,
    waId,
    replyTo: readContext(body.context),
    template,
  };
}

function validateReadRequest(body: Record<string, unknown>): ValidatedRequest {
  checkKeys(body, ['messaging_product', 'status', 'message_id', 'typing_indicator'], 'message');
  if (body.status !== 'read') {
    throw graphErrors.param(
      `Param status must be one of {READ} - got ${JSON.stringify(body.status)}.`,
    );
  }
  if (typeof body.message_id !== 'string' || body.message_id === '') {
    throw graphErrors.required('message_id');
  }
  if (body.typing_indicator !== undefined) {
    const indicator = body.typing_indicator;
    if (!isRecord(indicator) || indicator.type !== 'text') {
      throw graphErrors.param("Param typing_indicator['type'] must be one of {TEXT}.");
    }
  }
  return { kind: 'read', messageId: body.message_id };
}

function validateText(text: unknown): void {
  if (text === undefined) throw graphErrors.required('text');
  if (!isRecord(text)) throw graphErrors.param('Param text must be an object.');
  checkKeys(text, ['body', 'preview_url'], 'text');
  if (text.body === undefined || text.body === '') throw graphErrors.required("text['body']");
  if (typeof text.body !== 'string')
    throw graphErrors.param("Param text['body'] must be a string.");
  if (text.body.length > 4096) {
    throw graphErrors.param("Param text['body'] must be at most 4096 characters long.");
  }
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') {
    throw graphErrors.param("Param text['preview_url'] must be a boolean.");
  }
}

function validateMedia(type: FakeMetaMediaType, media: unknown, context: MessageContext): void {
  if (media === undefined) throw graphErrors.required(type);
  if (!isRecord(media)) throw graphErrors.param(`Param ${type} must be an object.`);
  checkKeys(media, MEDIA_KEYS[type], type);
  const hasId = media.id !== undefined;
  const hasLink = media.link !== undefined;
  if (hasId === hasLink) {
    throw graphErrors.param(
      `Param ${type} must contain exactly one of ${type}['id'] or ${type}['link'].`,
    );
  }
  if (hasLink) {
    if (typeof media.link !== 'string' || !isHttpUrl(media.link)) {
      throw graphErrors.param(`Param ${type}['link'] must be a valid http or https URL.`);
    }
  } else {
    const stored = typeof media.id === 'string' ? context.findMedia(media.id) : undefined;
    if (!stored) {
      throw graphErrors.param(`Param ${type}['id'] is not a valid media id for this phone number.`);
    }
    if (!MEDIA_LIMITS[type].mimeTypes.includes(baseMimeType(stored.mimeType))) {
      throw graphErrors.param(
        `Param ${type}['id'] refers to media of type ${stored.mimeType}, which cannot be sent as ${type}.`,
      );
    }
  }
  if (media.caption !== undefined) {
    if (typeof media.caption !== 'string' || media.caption.length > 1024) {
      throw graphErrors.param(
        `Param ${type}['caption'] must be a string of at most 1024 characters.`,
      );
    }
  }
  if (media.filename !== undefined && typeof media.filename !== 'string') {
    throw graphErrors.param(`Param ${type}['filename'] must be a string.`);
  }
}

function validateReaction(reaction: unknown): void {
  if (reaction === undefined) throw graphErrors.required('reaction');
  if (!isRecord(reaction)) throw graphErrors.param('Param reaction must be an object.');
  checkKeys(reaction, ['message_id', 'emoji'], 'reaction');
  if (typeof reaction.message_id !== 'string' || reaction.message_id === '') {
    throw graphErrors.required("reaction['message_id']");
  }
  // An empty emoji removes a reaction, so only its presence and type are checked.
  if (typeof reaction.emoji !== 'string') throw graphErrors.required("reaction['emoji']");
}

function readContext(context: unknown): string | null {
  if (context === undefined) return null;
  if (!isRecord(context)) throw graphErrors.param('Param context must be an object.');
  checkKeys(context, ['message_id'], 'context');
  if (typeof context.message_id !== 'string' || context.message_id === '') {
    throw graphErrors.required("context['message_id']");
  }
  return context.message_id;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
