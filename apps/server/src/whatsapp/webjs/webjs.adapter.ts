import { Injectable } from '@nestjs/common';
import {
  EngineErrorCode,
  WhatsAppErrorCode,
  type OutboundMedia,
  type ProviderCapability,
  type SendMediaSource,
} from '@switchboard/contracts';
import { EngineCommandError, EngineCommandsClient } from '../../engine-link/engine-commands.client';
import type { WhatsappSession } from '../../sessions/whatsapp-session.entity';
import type {
  FetchedMedia,
  MediaReference,
  NumberProbe,
  ProviderSendResult,
  Recipient,
  SendCommand,
  WhatsAppAdapter,
} from '../whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp.exception';

const CAPABILITIES: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
  'text',
  'media',
  'mark_read',
  'group',
]);

/** WhatsApp Web numbers, through the engine that runs their client. Templates are Meta's alone. */
@Injectable()
export class WebjsAdapter implements WhatsAppAdapter {
  readonly provider = 'webjs' as const;
  readonly capabilities = CAPABILITIES;

  constructor(private readonly engine: EngineCommandsClient) {}

  async send(number: WhatsappSession, command: SendCommand): Promise<ProviderSendResult> {
    const { content } = command;
    if (content.type === 'template') throw WhatsAppException.notSupported('webjs', 'template');
    const base = {
      chat_id: chatIdOf(command.to),
      idempotency_key: command.idempotencyKey,
      ...(command.quotedProviderMessageId
        ? { quoted_message_id: command.quotedProviderMessageId }
        : {}),
    };
    try {
      const result =
        content.type === 'text'
          ? await this.engine.sendText(number.sessionId, { ...base, text: content.text })
          : await this.engine.sendMedia(number.sessionId, {
              ...base,
              media: mediaSource(content.media),
              ...(content.media.caption ? { caption: content.media.caption } : {}),
            });
      return { providerMessageId: result.provider_message_id, status: result.status };
    } catch (error) {
      throw fromEngine(error);
    }
  }

  async markRead(number: WhatsappSession, to: Recipient): Promise<void> {
    try {
      await this.engine.markRead(number.sessionId, { chat_id: chatIdOf(to) });
    } catch (error) {
      throw fromEngine(error);
    }
  }

  async fetchMedia(number: WhatsappSession, media: MediaReference): Promise<FetchedMedia> {
    if (!media.providerMessageId) {
      throw new WhatsAppException(
        WhatsAppErrorCode.MEDIA_UNAVAILABLE,
        'The message has no WhatsApp id to fetch its media by',
      );
    }
    try {
      const view = await this.engine.messageMedia(number.sessionId, media.providerMessageId);
      return { data: Buffer.from(view.base64, 'base64'), mimetype: view.mimetype || null };
    } catch (error) {
      if (
        error instanceof EngineCommandError &&
        error.engineCode === EngineErrorCode.MESSAGE_NOT_FOUND
      ) {
        throw new WhatsAppException(WhatsAppErrorCode.MEDIA_UNAVAILABLE, error.message, {
          engine_code: error.engineCode,
        });
      }
      throw fromEngine(error);
    }
  }

  async probe(number: WhatsappSession): Promise<NumberProbe> {
    try {
      const view = await this.engine.sessionStatus(number.sessionId);
      return view.status === 'connected'
        ? { reachable: true, detail: null }
        : { reachable: false, detail: `the engine reports it ${view.status}` };
    } catch (error) {
      return { reachable: false, detail: fromEngine(error).message };
    }
  }
}

/** WhatsApp Web's chat id: a group or privacy id as it is, a phone as `<digits>@c.us`. */
export function chatIdOf(to: Recipient): string {
  if (to.whatsappId) return to.whatsappId;
  if (to.phone) return `${to.phone.replace(/^\+/, '')}@c.us`;
  throw new WhatsAppException(
    WhatsAppErrorCode.INVALID_RECIPIENT,
    'The contact has no WhatsApp id',
  );
}

function mediaSource(media: OutboundMedia): SendMediaSource {
  const named = media.filename ? { filename: media.filename } : {};
  if (media.url)
    return { url: media.url, ...(media.mimetype ? { mimetype: media.mimetype } : {}), ...named };
  if (media.base64 && media.mimetype)
    return { base64: media.base64, mimetype: media.mimetype, ...named };
  throw new WhatsAppException(
    WhatsAppErrorCode.MEDIA_REJECTED,
    'Media needs a url, or base64 bytes with their mimetype',
  );
}

/** The engine's answer, as the send job tells a number's fault from the message's. */
export function fromEngine(error: unknown): WhatsAppException {
  if (error instanceof WhatsAppException) return error;
  if (!(error instanceof EngineCommandError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new WhatsAppException(WhatsAppErrorCode.PROVIDER_UNAVAILABLE, message);
  }
  const details = { engine_code: error.engineCode, ...error.details };
  switch (error.engineCode) {
    case null:
      return new WhatsAppException(
        WhatsAppErrorCode.PROVIDER_UNAVAILABLE,
        `The WhatsApp engine is unavailable: ${error.message}`,
      );
    case EngineErrorCode.SESSION_NOT_FOUND:
    case EngineErrorCode.SESSION_NOT_CONNECTED:
    case EngineErrorCode.INVALID_SESSION_STATE:
    case EngineErrorCode.SESSION_OWNED_ELSEWHERE:
      return new WhatsAppException(
        WhatsAppErrorCode.NUMBER_NOT_CONNECTED,
        `The number is not connected: ${error.message}`,
        details,
      );
    case EngineErrorCode.ENGINE_FULL:
    case EngineErrorCode.SERVER_UNAVAILABLE:
    case EngineErrorCode.ENGINE_STOPPING:
    case EngineErrorCode.INTERNAL:
      return new WhatsAppException(WhatsAppErrorCode.PROVIDER_UNAVAILABLE, error.message, details);
    case EngineErrorCode.NOT_SUPPORTED:
      return new WhatsAppException(
        WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED,
        error.message,
        details,
      );
    case EngineErrorCode.MESSAGE_NOT_FOUND:
    case EngineErrorCode.VALIDATION_FAILED:
    case EngineErrorCode.IDEMPOTENCY_KEY_REUSED:
    case EngineErrorCode.UNAUTHENTICATED:
    case EngineErrorCode.NOT_FOUND:
    case EngineErrorCode.PROVIDER_ERROR:
      return new WhatsAppException(WhatsAppErrorCode.PROVIDER_ERROR, error.message, details);
  }
}
