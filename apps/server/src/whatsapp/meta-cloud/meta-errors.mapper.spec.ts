import { describe, expect, it } from '@jest/globals';
import { WhatsAppErrorCode } from '@switchboard/contracts';
import { WhatsAppException } from '../whatsapp.exception';
import { mapMetaError, metaErrorCode, type MetaOperation } from './meta-errors.mapper';
import { MetaGraphError, type GraphErrorBody } from './meta-graph.client';

function graphError(
  httpStatus: number,
  code: number | null,
  message: string,
  extra: Partial<GraphErrorBody> = {},
): MetaGraphError {
  return new MetaGraphError(message, httpStatus, {
    message,
    type: 'OAuthException',
    code,
    subcode: null,
    details: null,
    fbtraceId: 'AbCdEf',
    ...extra,
  });
}

const {
  OUTSIDE_CUSTOMER_WINDOW,
  RATE_LIMITED,
  INVALID_RECIPIENT,
  TEMPLATE_REJECTED,
  MEDIA_REJECTED,
  CREDENTIALS_REJECTED,
  NUMBER_NOT_CONNECTED,
  PROVIDER_UNAVAILABLE,
  PROVIDER_ERROR,
} = WhatsAppErrorCode;

// prettier-ignore
const CASES: Array<[string, MetaOperation, WhatsAppErrorCode, MetaGraphError]> = [
  ['131047 re-engagement', 'send', OUTSIDE_CUSTOMER_WINDOW, graphError(400, 131047, '(#131047) Re-engagement message')],
  ['130429 throughput', 'send', RATE_LIMITED, graphError(400, 130429, '(#130429) Rate limit hit')],
  ['131048 spam rate limit', 'send', RATE_LIMITED, graphError(400, 131048, '(#131048) Spam rate limit hit')],
  ['131056 pair rate limit', 'send', RATE_LIMITED, graphError(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit')],
  ['4 too many calls', 'send', RATE_LIMITED, graphError(400, 4, '(#4) Application request limit reached')],
  ['80007 WABA rate limit', 'send', RATE_LIMITED, graphError(400, 80007, '(#80007) Rate limit issues')],
  ['HTTP 429 without a code', 'send', RATE_LIMITED, new MetaGraphError('the Graph API answered HTTP 429', 429, null)],
  ['131026 undeliverable', 'send', INVALID_RECIPIENT, graphError(400, 131026, '(#131026) Message Undeliverable')],
  ['131030 not in allowed list', 'send', INVALID_RECIPIENT, graphError(400, 131030, '(#131030) Recipient phone number not in allowed list')],
  ['131021 recipient is the sender', 'send', INVALID_RECIPIENT, graphError(400, 131021, '(#131021) Recipient cannot be sender')],
  ['100 naming to', 'send', INVALID_RECIPIENT, graphError(400, 100, '(#100) Param to must be a phone number in international format - got "abc".')],
  ['100 to required', 'send', INVALID_RECIPIENT, graphError(400, 100, '(#100) The parameter to is required.')],
  ['131009 invalid recipient in details', 'send', INVALID_RECIPIENT, graphError(400, 131009, '(#131009) Parameter value is not valid', { details: 'Recipient phone number not valid' })],
  ['132000 parameter count', 'send', TEMPLATE_REJECTED, graphError(400, 132000, '(#132000) Number of parameters does not match the expected number of params')],
  ['132001 template not found', 'send', TEMPLATE_REJECTED, graphError(400, 132001, '(#132001) Template name does not exist in the translation')],
  ['132015 template paused', 'send', TEMPLATE_REJECTED, graphError(400, 132015, '(#132015) Template is Paused')],
  ['132069 flow throttled (end of range)', 'send', TEMPLATE_REJECTED, graphError(400, 132069, '(#132069) Flow was throttled')],
  ['100 naming a template parameter', 'send', TEMPLATE_REJECTED, graphError(400, 100, "(#100) Param template['components'][0]['type'] must be one of {HEADER, BODY, BUTTON}")],
  ['131051 unsupported message type', 'send', MEDIA_REJECTED, graphError(400, 131051, '(#131051) Unsupported message type')],
  ['131052 media download', 'send', MEDIA_REJECTED, graphError(400, 131052, '(#131052) Media download error')],
  ['131053 media upload', 'media_upload', MEDIA_REJECTED, graphError(400, 131053, '(#131053) Media upload error')],
  ['100 naming the image link', 'send', MEDIA_REJECTED, graphError(400, 100, "(#100) Param image['link'] must be a valid http or https URL.")],
  ['100 on upload (bad file type)', 'media_upload', MEDIA_REJECTED, graphError(400, 100, "(#100) Param file must be a file with one of the following types: image/jpeg. Received file of type 'text/html'.")],
  ['190 token expired', 'send', CREDENTIALS_REJECTED, graphError(401, 190, 'Error validating access token: Session has expired on Wed, 25 Nov 2026.', { subcode: 463 })],
  ['190 on upload', 'media_upload', CREDENTIALS_REJECTED, graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token')],
  ['10 permission denied', 'send', CREDENTIALS_REJECTED, graphError(403, 10, '(#10) Application does not have permission for this action')],
  ['200 permission', 'send', CREDENTIALS_REJECTED, graphError(403, 200, '(#200) Requires whatsapp_business_messaging permission')],
  ['100/33 token cannot see the number', 'send', CREDENTIALS_REJECTED, graphError(400, 100, "Unsupported post request. Object with ID '1065' does not exist", { type: 'GraphMethodException', subcode: 33 })],
  ['HTTP 401 without a body', 'mark_read', CREDENTIALS_REJECTED, new MetaGraphError('the Graph API answered HTTP 401', 401, null)],
  ['33 number deleted', 'send', NUMBER_NOT_CONNECTED, graphError(400, 33, '(#33) This object does not exist')],
  ['133010 number not registered', 'send', NUMBER_NOT_CONNECTED, graphError(400, 133010, '(#133010) Account not registered')],
  ['131000 something went wrong', 'send', PROVIDER_UNAVAILABLE, graphError(500, 131000, '(#131000) Something went wrong')],
  ['1 API unknown', 'send', PROVIDER_UNAVAILABLE, graphError(400, 1, 'An unknown error occurred')],
  ['2 API service', 'send', PROVIDER_UNAVAILABLE, graphError(503, 2, 'An unexpected error has occurred. Please retry your request later.')],
  ['131016 service unavailable', 'send', PROVIDER_UNAVAILABLE, graphError(500, 131016, '(#131016) Service unavailable')],
  ['HTTP 502 from a proxy (no JSON)', 'send', PROVIDER_UNAVAILABLE, new MetaGraphError('the Graph API answered HTTP 502', 502, null)],
  ['unknown code on HTTP 500', 'send', PROVIDER_UNAVAILABLE, graphError(500, 987654, 'Oops')],
  ['network error', 'send', PROVIDER_UNAVAILABLE, new MetaGraphError('the Graph API could not be reached (ECONNREFUSED)', null, null)],
  ['timeout', 'mark_read', PROVIDER_UNAVAILABLE, new MetaGraphError('the Graph API did not answer within 10000 ms', null, null, true)],
  ['100 naming another field', 'send', PROVIDER_ERROR, graphError(400, 100, '(#100) Unexpected key "foo" on param "message".')],
  ['100 on mark read (unknown message)', 'mark_read', PROVIDER_ERROR, graphError(400, 100, '(#100) Invalid value for parameter message_id')],
  ['131050 user stopped marketing', 'send', PROVIDER_ERROR, graphError(400, 131050, '(#131050) Unable to deliver the message')],
  ['HTTP 400 without a body', 'send', PROVIDER_ERROR, new MetaGraphError('the Graph API answered HTTP 400', 400, null)],
];

describe('metaErrorCode', () => {
  it.each(CASES)('%s (%s) → %s', (_name, operation, expected, error) => {
    expect(metaErrorCode(error, operation)).toBe(expected);
  });
});

describe('mapMetaError', () => {
  it("keeps Meta's message, details and trace id", () => {
    const sut = mapMetaError(
      graphError(400, 131047, '(#131047) Re-engagement message', {
        details: 'Message failed to send because more than 24 hours have passed.',
      }),
      'send',
    );
    expect(sut).toBeInstanceOf(WhatsAppException);
    expect(sut.code).toBe(OUTSIDE_CUSTOMER_WINDOW);
    expect(sut.message).toBe(
      'Meta did not send the message: (#131047) Re-engagement message: Message failed to send ' +
        'because more than 24 hours have passed.',
    );
    expect(sut.details).toEqual({ http_status: 400, meta_code: 131047, fbtrace_id: 'AbCdEf' });
    expect(sut.failover).toBe(true);
  });

  it('does not repeat details Meta already put in the message', () => {
    const sut = mapMetaError(
      graphError(400, 100, '(#100) Param to is bad', { details: 'Param to is bad' }),
      'send',
    );
    expect(sut.message).toBe('Meta did not send the message: (#100) Param to is bad');
  });

  it('says Graph did not answer, and whether it timed out', () => {
    const sut = mapMetaError(
      new MetaGraphError('the Graph API did not answer within 10000 ms', null, null, true),
      'media_upload',
    );
    expect(sut.code).toBe(PROVIDER_UNAVAILABLE);
    expect(sut.message).toBe(
      'The Meta Graph API did not answer: the Graph API did not answer within 10000 ms',
    );
    expect(sut.details).toEqual({ timed_out: true });
    expect(sut.retryable).toBe(true);
  });

  it('keeps the subcode for a rejected token', () => {
    const sut = mapMetaError(
      graphError(401, 190, 'Error validating access token: Session has expired.', { subcode: 463 }),
      'mark_read',
    );
    expect(sut.message).toBe(
      'Meta did not mark the message read: Error validating access token: Session has expired.',
    );
    expect(sut.details).toMatchObject({ meta_code: 190, meta_subcode: 463, http_status: 401 });
  });
});
