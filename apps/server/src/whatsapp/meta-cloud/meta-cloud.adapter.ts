import { Injectable } from '@nestjs/common';
import {
  WhatsAppErrorCode,
  type OutboundContent,
  type OutboundMedia,
  type OutboundTemplate,
  type ProviderCapability,
} from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import { openMetaCredentials } from '../../sessions/meta-credentials';
import type { WhatsappSession } from '../../sessions/whatsapp-session.entity';
import {
  MAX_MEDIA_BYTES,
  type FetchedMedia,
  type MediaReference,
  type NumberProbe,
  type ProviderSendResult,
  type Recipient,
  type SendCommand,
  type WhatsAppAdapter,
} from '../whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp.exception';
import { mapMetaError, metaWords, type MetaOperation } from './meta-errors.mapper';
import {
  GRAPH_VERSION_PATTERN,
  MetaGraphClient,
  MetaGraphError,
  isRecord,
  type GraphRequest,
} from './meta-graph.client';

/** What a Graph call needs of a Meta number, from its sealed credentials. */
interface MetaAccount {
  phoneNumberId: string;
  token: string;
  version: string;
}

/** Media kinds whose Cloud API object takes no caption. */
const CAPTIONLESS = new Set(['audio', 'sticker']);

/**
 * The WhatsApp Cloud API behind the provider port: one Graph call per send (two when media is
 * uploaded first). Meta takes no idempotency key: the same send tried again after a lost answer
 * reaches the customer twice, so `idempotencyKey` is not passed on.
 */
@Injectable()
export class MetaCloudAdapter implements WhatsAppAdapter {
  readonly provider = 'meta' as const;
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
    'text',
    'media',
    'template',
    'mark_read',
  ]);

  constructor(
    private readonly secretBox: SecretBox,
    private readonly graph: MetaGraphClient,
  ) {}

  async send(number: WhatsappSession, command: SendCommand): Promise<ProviderSendResult> {
    const to = recipientPhone(command.to);
    const account = this.account(number);
    const message = await this.messageObject(account, command.content);
    const answer = await this.call(account, 'send', {
      method: 'POST',
      path: [account.phoneNumberId, 'messages'],
      json: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        ...message,
        ...(command.quotedProviderMessageId
          ? { context: { message_id: command.quotedProviderMessageId } }
          : {}),
      },
    });
    const messages = answer.messages;
    const first: unknown = Array.isArray(messages) ? messages[0] : undefined;
    const id = isRecord(first) ? first.id : undefined;
    if (typeof id !== 'string' || id === '') {
      throw new WhatsAppException(
        WhatsAppErrorCode.PROVIDER_ERROR,
        'Meta accepted the message but answered without its id (messages[0].id)',
      );
    }
    return { providerMessageId: id, status: 'sent' };
  }

  async markRead(
    number: WhatsappSession,
    _to: Recipient,
    providerMessageId: string,
  ): Promise<void> {
    const account = this.account(number);
    await this.call(account, 'mark_read', {
      method: 'POST',
      path: [account.phoneNumberId, 'messages'],
      json: { messaging_product: 'whatsapp', status: 'read', message_id: providerMessageId },
    });
  }

  /** Reachable when Graph answers for the phone number with its stored token. */
  async probe(number: WhatsappSession): Promise<NumberProbe> {
    let account: MetaAccount;
    try {
      account = this.account(number);
    } catch (error) {
      if (error instanceof WhatsAppException) return { reachable: false, detail: error.message };
      throw error;
    }
    try {
      await this.graph.request({
        method: 'GET',
        version: account.version,
        path: [account.phoneNumberId],
        token: account.token,
        query: { fields: 'display_phone_number,verified_name,quality_rating' },
      });
      return { reachable: true, detail: null };
    } catch (error) {
      if (error instanceof MetaGraphError) return { reachable: false, detail: metaWords(error) };
      throw error;
    }
  }

  /** `GET /{media-id}` for the short-lived URL, then the bytes behind it with the token. */
  async fetchMedia(number: WhatsappSession, media: MediaReference): Promise<FetchedMedia> {
    if (!media.providerMediaId) {
      throw new WhatsAppException(
        WhatsAppErrorCode.MEDIA_UNAVAILABLE,
        'Meta gave no media id for this message',
      );
    }
    const account = this.account(number);
    const info = await this.call(account, 'media_download', {
      method: 'GET',
      path: [media.providerMediaId],
      query: { phone_number_id: account.phoneNumberId },
    });
    if (typeof info.url !== 'string' || info.url === '') {
      throw new WhatsAppException(
        WhatsAppErrorCode.PROVIDER_ERROR,
        'Meta answered the media lookup without a download URL',
      );
    }
    try {
      const download = await this.graph.download(info.url, account.token, MAX_MEDIA_BYTES);
      const mimetype = typeof info.mime_type === 'string' ? info.mime_type : download.mimeType;
      return { data: download.data, mimetype };
    } catch (error) {
      if (error instanceof MetaGraphError) throw mapMetaError(error, 'media_download');
      throw new WhatsAppException(WhatsAppErrorCode.PROVIDER_ERROR, (error as Error).message);
    }
  }

  /** The `type` and type object of a message. */
  private async messageObject(
    account: MetaAccount,
    content: OutboundContent,
  ): Promise<Record<string, unknown>> {
    switch (content.type) {
      case 'text':
        return { type: 'text', text: { body: content.text } };
      case 'media':
        return {
          type: content.media.kind,
          [content.media.kind]: await this.media(account, content.media),
        };
      case 'template':
        return { type: 'template', template: templateObject(content.template) };
    }
  }

  /** `{ link }` or `{ id }` (uploading the bytes first), with caption and document filename. */
  private async media(
    account: MetaAccount,
    media: OutboundMedia,
  ): Promise<Record<string, unknown>> {
    if (media.caption && CAPTIONLESS.has(media.kind)) {
      throw mediaRejected(`Meta Cloud API cannot send a caption with ${media.kind}`);
    }
    const object: Record<string, unknown> = {};
    if (media.url) object.link = media.url;
    else if (media.base64) object.id = await this.upload(account, media, media.base64);
    else throw mediaRejected('Media needs a url or base64 content');
    if (media.caption) object.caption = media.caption;
    if (media.kind === 'document' && media.filename) object.filename = media.filename;
    return object;
  }

  /** `POST /{phone-number-id}/media` (multipart): the media id to send it by. */
  private async upload(
    account: MetaAccount,
    media: OutboundMedia,
    base64: string,
  ): Promise<string> {
    if (!media.mimetype) throw mediaRejected('Media sent as base64 needs its mimetype');
    const data = Buffer.from(base64.replace(/^data:[^,]*;base64,/, ''), 'base64');
    if (data.length === 0) throw mediaRejected('The base64 media content is empty');
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', media.mimetype);
    form.append('file', new Blob([data], { type: media.mimetype }), media.filename ?? media.kind);
    const answer = await this.call(account, 'media_upload', {
      method: 'POST',
      path: [account.phoneNumberId, 'media'],
      form,
    });
    if (typeof answer.id !== 'string' || answer.id === '') {
      throw new WhatsAppException(
        WhatsAppErrorCode.PROVIDER_ERROR,
        'Meta accepted the media upload but answered without its id',
      );
    }
    return answer.id;
  }

  private async call(
    account: MetaAccount,
    operation: MetaOperation,
    request: Omit<GraphRequest, 'token' | 'version'>,
  ): Promise<Record<string, unknown>> {
    try {
      return await this.graph.request({
        ...request,
        token: account.token,
        version: account.version,
      });
    } catch (error) {
      if (error instanceof MetaGraphError) throw mapMetaError(error, operation);
      throw error;
    }
  }

  /** The number's Graph identity, or NUMBER_NOT_CONNECTED when it has none that can be used. */
  private account(number: WhatsappSession): MetaAccount {
    if (number.sessionData === undefined) {
      // `session_data` is not selected by default: the caller must load it (addSelect).
      throw new Error(`Meta number ${number.uuid} was loaded without its session_data`);
    }
    let credentials: ReturnType<typeof openMetaCredentials>;
    try {
      credentials = openMetaCredentials(this.secretBox, number.sessionData);
    } catch {
      throw notConnected(number, 'its stored Meta credentials cannot be opened');
    }
    if (!credentials) throw notConnected(number, 'it has no Meta credentials stored');
    // Rows moved from Blazz may hold phone_number_id as a number.
    const phoneNumberId: unknown = credentials.phone_number_id;
    const token: unknown = credentials.access_token;
    if (
      (typeof phoneNumberId !== 'string' && typeof phoneNumberId !== 'number') ||
      String(phoneNumberId) === '' ||
      typeof token !== 'string' ||
      token === ''
    ) {
      throw notConnected(
        number,
        'its stored Meta credentials lack phone_number_id or access_token',
      );
    }
    const version =
      typeof credentials.api_version === 'string' &&
      GRAPH_VERSION_PATTERN.test(credentials.api_version)
        ? credentials.api_version
        : this.graph.defaultVersion;
    return { phoneNumberId: String(phoneNumberId), token, version };
  }
}

/** Meta sends to phone numbers only: digits with country code, as `to`. */
function recipientPhone(to: Recipient): string {
  const phone = to.phone?.replace(/\D/g, '') ?? '';
  if (phone !== '') return phone;
  if (to.whatsappId?.endsWith('@g.us')) throw WhatsAppException.notSupported('meta', 'group');
  throw new WhatsAppException(
    WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED,
    `Meta Cloud API numbers send to phone numbers only; ${to.whatsappId ?? 'this recipient'} has none`,
    { provider_type: 'meta' },
  );
}

/** Parameters fill `{{1}}`, `{{2}}`, … of the header and body, as text. */
function templateObject(template: OutboundTemplate): Record<string, unknown> {
  const components: Array<Record<string, unknown>> = [];
  for (const [type, values] of [
    ['header', template.header_parameters],
    ['body', template.body_parameters],
  ] as const) {
    if (values && values.length > 0) {
      components.push({ type, parameters: values.map((text) => ({ type: 'text', text })) });
    }
  }
  return {
    name: template.name,
    language: { code: template.language },
    ...(components.length > 0 ? { components } : {}),
  };
}

function mediaRejected(message: string): WhatsAppException {
  return new WhatsAppException(WhatsAppErrorCode.MEDIA_REJECTED, message);
}

function notConnected(number: WhatsappSession, why: string): WhatsAppException {
  return new WhatsAppException(
    WhatsAppErrorCode.NUMBER_NOT_CONNECTED,
    `Meta number ${number.phoneNumber ?? number.uuid} cannot send: ${why}`,
    { session_uuid: number.uuid },
  );
}
