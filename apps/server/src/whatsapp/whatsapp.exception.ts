import {
  ErrorCode,
  FAILOVER_ERRORS,
  RETRYABLE_ERRORS,
  WHATSAPP_ERROR_STATUS,
  WhatsAppErrorCode,
  type ProviderCapability,
  type ProviderType,
} from '@switchboard/contracts';
import { AppException } from '../common/app.exception';
import { STATUS_CODES } from '../common/http-exception.filter';

/** A provider refused or could not take a send; the code says whose fault and what next. */
export class WhatsAppException extends Error {
  constructor(
    readonly code: WhatsAppErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WhatsAppException';
  }

  /** Another number may carry the same message. */
  get failover(): boolean {
    return FAILOVER_ERRORS.has(this.code);
  }

  /** The same number may manage it later. */
  get retryable(): boolean {
    return RETRYABLE_ERRORS.has(this.code);
  }

  get httpStatus(): number {
    return WHATSAPP_ERROR_STATUS[this.code];
  }

  /** As the API answers it: the status of its code, and the WhatsApp code as `details.reason`. */
  toHttp(): AppException {
    return new AppException(
      this.httpStatus,
      STATUS_CODES[this.httpStatus] ?? ErrorCode.BAD_GATEWAY,
      this.message,
      { reason: this.code, ...this.details },
    );
  }

  static notSupported(provider: ProviderType, capability: ProviderCapability): WhatsAppException {
    const names: Record<ProviderType, string> = { meta: 'Meta Cloud API', webjs: 'WhatsApp Web' };
    const what: Record<ProviderCapability, string> = {
      text: 'send text',
      media: 'send media',
      template: 'send templates',
      mark_read: 'mark messages read',
      group: 'write to groups',
    };
    return new WhatsAppException(
      WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED,
      `${names[provider]} numbers cannot ${what[capability]}`,
      { provider_type: provider, capability },
    );
  }
}
