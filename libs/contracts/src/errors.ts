/** Every error the HTTP API can answer with; the wire shape is {@link ErrorBody}. */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  INVALID_JSON = 'INVALID_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /** What was asked for existed once and is gone for good (e.g. media WhatsApp no longer holds). */
  GONE = 'GONE',
  NO_WORKSPACE = 'NO_WORKSPACE',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  /** A provider behind Switchboard (Meta, the WhatsApp engine) refused or failed the request. */
  BAD_GATEWAY = 'BAD_GATEWAY',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export interface FieldProblem {
  /** Dotted path of the field in the request body or query, e.g. `email` or `items.0.name`. */
  field: string;
  problems: string[];
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: { fields?: FieldProblem[] } & Record<string, unknown>;
  };
}
