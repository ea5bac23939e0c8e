import { randomBytes } from 'node:crypto';

/**
 * Graph API errors as the WhatsApp Cloud API answers them: `{"error":{message, type, code,
 * error_subcode?, error_data?, fbtrace_id}}`. Cloud API errors carry `type: "OAuthException"` and
 * `error_data.details`; object lookups that fail carry `GraphMethodException` and subcode 33.
 */

export interface FakeMetaGraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly options: { type?: string; details?: string; subcode?: number } = {},
  ) {
    super(message);
  }

  toBody(): FakeMetaGraphErrorBody {
    const { type = 'OAuthException', details, subcode } = this.options;
    return {
      error: {
        message: this.message,
        type,
        code: this.code,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        ...(details === undefined
          ? {}
          : { error_data: { messaging_product: 'whatsapp', details } }),
        fbtrace_id: randomBytes(17).toString('base64url'),
      },
    };
  }
}

export const ERROR_CODES_HREF = '/documentation/business-messaging/whatsapp/support/error-codes';

export const graphErrors = {
  missingToken: () =>
    new GraphApiError(401, 190, 'An access token is required to request this resource.'),
  invalidToken: () =>
    new GraphApiError(401, 190, 'Invalid OAuth access token - Cannot parse access token'),
  expiredToken: (expiredAt: Date) =>
    new GraphApiError(
      401,
      190,
      `Error validating access token: Session has expired on ${expiredAt.toUTCString()}.`,
      { subcode: 463 },
    ),
  unknownObject: (method: string, id: string) =>
    new GraphApiError(
      400,
      100,
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot ` +
        'be loaded due to missing permissions, or does not support this operation. Please read ' +
        'the Graph API documentation at https://developers.facebook.com/docs/graph-api',
      { type: 'GraphMethodException', subcode: 33 },
    ),
  unknownPath: (path: string) => new GraphApiError(400, 2500, `Unknown path components: ${path}`),
  /** Code 100 with the offending parameter named in the message, as Graph does. */
  param: (message: string) =>
    new GraphApiError(400, 100, `(#100) ${message}`, { details: message }),
  required: (param: string) => graphErrors.param(`The parameter ${param} is required.`),
  reengagement: () =>
    new GraphApiError(400, 131047, '(#131047) Re-engagement message', {
      details:
        'Message failed to send because more than 24 hours have passed since the customer last ' +
        'replied to this number.',
    }),
  rateLimit: () =>
    new GraphApiError(400, 130429, '(#130429) Rate limit hit', {
      details:
        'Message failed to send because there were too many messages sent from this phone ' +
        'number in a short period of time',
    }),
  undeliverable: () =>
    new GraphApiError(400, 131026, '(#131026) Message Undeliverable', {
      details:
        'Unable to deliver message. Reasons can include: the recipient phone number is not a ' +
        "WhatsApp phone number; the recipient has not accepted WhatsApp's new Terms of Service " +
        'and Privacy Policy; the recipient is using an old WhatsApp version.',
    }),
  templateNotFound: (name: string, language: string) =>
    new GraphApiError(400, 132001, '(#132001) Template name does not exist in the translation', {
      details: `template name (${name}) does not exist in ${language}`,
    }),
  templateParamCount: (component: string, given: number, expected: number) =>
    new GraphApiError(
      400,
      132000,
      '(#132000) Number of parameters does not match the expected number of params',
      {
        details:
          `${component}: number of localizable_params (${given}) does not match the expected ` +
          `number of params (${expected})`,
      },
    ),
  templateFormat: (details: string) =>
    new GraphApiError(
      400,
      132012,
      '(#132012) Parameter format does not match format in the created template',
      { details },
    ),
  templatePaused: (name: string) =>
    new GraphApiError(400, 132015, '(#132015) Template is Paused', {
      details: `Template ${name} is paused due to low quality so it cannot be sent.`,
    }),
  templateDisabled: (name: string) =>
    new GraphApiError(400, 132016, '(#132016) Template is disabled', {
      details: `Template ${name} has been paused too many times due to low quality and is now permanently disabled.`,
    }),
};

/** Title and details of a Cloud API error, for `statuses[].errors[]` in failed-status webhooks. */
export interface FakeMetaStatusError {
  code: number;
  title: string;
  message?: string;
  details?: string;
}

export const statusErrors = {
  undeliverable: (): FakeMetaStatusError => ({
    code: 131026,
    title: 'Message undeliverable',
    details: 'Message Undeliverable.',
  }),
  reengagement: (): FakeMetaStatusError => ({
    code: 131047,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last ' +
      'replied to this number.',
  }),
};
