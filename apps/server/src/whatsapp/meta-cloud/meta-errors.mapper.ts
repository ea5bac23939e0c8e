import { WhatsAppErrorCode } from '@switchboard/contracts';
import { WhatsAppException } from '../whatsapp.exception';
import type { MetaGraphError } from './meta-graph.client';

/** Which Graph call failed: the same code 100 means a bad file on upload, a bad field on send. */
export type MetaOperation = 'send' | 'media_upload' | 'media_download' | 'mark_read';

/**
 * Meta's error codes (developers.facebook.com/documentation/business-messaging/whatsapp/support/
 * error-codes), grouped by what the send job does next. Meta advises building on `code` and
 * `error_data.details`, not on titles or subcodes.
 */
const RATE_LIMIT_CODES = new Set([
  4, // API Too Many Calls (app)
  80007, // WABA rate limit
  130429, // Cloud API throughput
  131048, // spam rate limit (quality)
  131056, // pair rate limit: this business number to this customer
]);
const CREDENTIAL_CODES = new Set([
  0, // AuthException
  10, // permission denied
  190, // access token expired or invalid
]);
const NUMBER_CODES = new Set([
  33, // the business phone number has been deleted
  131031, // the business account is locked
  133010, // the phone number is not registered on the Cloud API
]);
const RECIPIENT_CODES = new Set([
  131021, // recipient cannot be the sender
  131026, // undeliverable: not on WhatsApp, old client, terms not accepted
  131030, // not in the test number's allowed list
]);
const UNAVAILABLE_CODES = new Set([
  1, // API Unknown
  2, // API Service: downtime or overload
  131000, // something went wrong
  131016, // service unavailable
  133004, // server temporarily unavailable
]);
/** Invalid or missing parameter: who is at fault depends on which parameter. */
const PARAMETER_CODES = new Set([100, 131008, 131009]);
/** `Object with ID … does not exist, cannot be loaded due to missing permissions`. */
const UNKNOWN_OBJECT_SUBCODE = 33;

const MEDIA_PARAMS = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** The code a Graph failure maps to. */
export function metaErrorCode(error: MetaGraphError, operation: MetaOperation): WhatsAppErrorCode {
  const { httpStatus, graph } = error;
  if (httpStatus === null) return WhatsAppErrorCode.PROVIDER_UNAVAILABLE;
  const code = graph?.code ?? null;
  // A received media id Graph no longer knows, or a download URL that expired: the media is gone.
  if (operation === 'media_download' && (code === 100 || httpStatus === 404)) {
    return WhatsAppErrorCode.MEDIA_UNAVAILABLE;
  }
  if (code !== null) {
    if (code === 131047) return WhatsAppErrorCode.OUTSIDE_CUSTOMER_WINDOW;
    if (RATE_LIMIT_CODES.has(code)) return WhatsAppErrorCode.RATE_LIMITED;
    if (CREDENTIAL_CODES.has(code) || (code >= 200 && code <= 299)) {
      return WhatsAppErrorCode.CREDENTIALS_REJECTED;
    }
    // The token cannot see this phone number id: the stored credentials do not fit together.
    if (code === 100 && graph?.subcode === UNKNOWN_OBJECT_SUBCODE) {
      return WhatsAppErrorCode.CREDENTIALS_REJECTED;
    }
    if (NUMBER_CODES.has(code)) return WhatsAppErrorCode.NUMBER_NOT_CONNECTED;
    if (RECIPIENT_CODES.has(code)) return WhatsAppErrorCode.INVALID_RECIPIENT;
    if (code >= 132000 && code <= 132069) return WhatsAppErrorCode.TEMPLATE_REJECTED;
    if (code >= 131051 && code <= 131053) return WhatsAppErrorCode.MEDIA_REJECTED;
    if (UNAVAILABLE_CODES.has(code)) return WhatsAppErrorCode.PROVIDER_UNAVAILABLE;
    if (PARAMETER_CODES.has(code)) {
      const byParameter = parameterFault(`${graph?.message ?? ''} ${graph?.details ?? ''}`);
      if (byParameter) return byParameter;
    }
  }
  if (httpStatus === 401) return WhatsAppErrorCode.CREDENTIALS_REJECTED;
  if (httpStatus === 429) return WhatsAppErrorCode.RATE_LIMITED;
  if (httpStatus >= 500) return WhatsAppErrorCode.PROVIDER_UNAVAILABLE;
  if (operation === 'media_upload' && httpStatus >= 400) return WhatsAppErrorCode.MEDIA_REJECTED;
  return WhatsAppErrorCode.PROVIDER_ERROR;
}

/** A Graph failure as the port's exception, in Meta's own words. */
export function mapMetaError(error: MetaGraphError, operation: MetaOperation): WhatsAppException {
  const code = metaErrorCode(error, operation);
  const { graph } = error;
  const details: Record<string, unknown> = {};
  if (error.httpStatus !== null) details.http_status = error.httpStatus;
  if (graph?.code != null) details.meta_code = graph.code;
  if (graph?.subcode != null) details.meta_subcode = graph.subcode;
  if (graph?.fbtraceId) details.fbtrace_id = graph.fbtraceId;

  if (error.httpStatus === null) {
    return new WhatsAppException(code, `The Meta Graph API did not answer: ${error.message}`, {
      ...details,
      timed_out: error.timedOut,
    });
  }
  return new WhatsAppException(code, `${LEADS[operation]}: ${metaWords(error)}`, details);
}

/** Meta's message, with `error_data.details` when it adds to it. */
export function metaWords(error: MetaGraphError): string {
  const { graph } = error;
  if (graph === null) return error.message;
  return graph.details && !graph.message.includes(graph.details)
    ? `${graph.message}: ${graph.details}`
    : graph.message;
}

const LEADS: Record<MetaOperation, string> = {
  send: 'Meta did not send the message',
  media_upload: 'Meta refused the media upload',
  media_download: 'Meta did not give the media',
  mark_read: 'Meta did not mark the message read',
};

/**
 * Graph names the offending parameter in its message or details: `(#100) Param to must be…`,
 * `The parameter to is required.`, `Param template['name']…`, `Param image['link']…`.
 */
function parameterFault(text: string): WhatsAppErrorCode | null {
  const name = /\bparam(?:eter)?\s+['"]?([a-z_]+)/i.exec(text)?.[1]?.toLowerCase();
  if (name === 'to' || /\brecipient\b/i.test(text)) return WhatsAppErrorCode.INVALID_RECIPIENT;
  if (name === 'template' || /\btemplate\[/i.test(text)) return WhatsAppErrorCode.TEMPLATE_REJECTED;
  if (name !== undefined && MEDIA_PARAMS.has(name)) return WhatsAppErrorCode.MEDIA_REJECTED;
  return null;
}
