import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  type ExceptionFilter,
} from '@nestjs/common';
import { ErrorCode, type ErrorBody } from '@switchboard/contracts';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppException } from './app.exception';
import { isUniqueViolation } from '../database/unique-violation';

/** Errors raised by the body parser carry a `type` naming what went wrong. */
interface BodyParserError {
  type: string;
  status?: number;
  limit?: number;
}

export const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  410: ErrorCode.GONE,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.TOO_MANY_REQUESTS,
  502: ErrorCode.BAD_GATEWAY,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/** The one place that turns any error into `{ "error": { "code", "message", "details" } }`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const [status, body] = this.toBody(exception);
    if (status >= 500) {
      this.logger.error(
        { err: exception, reqId: request.id, path: request.path },
        'request failed',
      );
    }
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private toBody(exception: unknown): [number, ErrorBody] {
    if (exception instanceof AppException) {
      return [exception.getStatus(), body(exception.code, exception.message, exception.details)];
    }
    // Nest wraps body-parser errors in an HttpException; the parser's own error is the cause.
    const parserError =
      asBodyParserError(exception) ??
      (exception instanceof HttpException ? asBodyParserError(exception.cause) : null);
    if (parserError) return parserError;
    if (isUniqueViolation(exception)) {
      // Two requests raced past a service's "already exists" check; the unique key caught it.
      return [
        HttpStatus.CONFLICT,
        body(ErrorCode.CONFLICT, 'A record with these values already exists'),
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code =
        STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION_FAILED);
      return [status, body(code, messageOf(exception))];
    }
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      body(ErrorCode.INTERNAL, 'Something went wrong on our side; it has been logged'),
    ];
  }
}

function asBodyParserError(exception: unknown): [number, ErrorBody] | null {
  if (typeof exception !== 'object' || exception === null || !('type' in exception)) return null;
  const error = exception as BodyParserError;
  switch (error.type) {
    case 'entity.parse.failed':
      return [400, body(ErrorCode.INVALID_JSON, 'The request body is not valid JSON')];
    case 'entity.too.large':
      return [
        413,
        body(
          ErrorCode.PAYLOAD_TOO_LARGE,
          `The request body is larger than the limit of ${error.limit ?? '?'} bytes`,
        ),
      ];
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return [
        415,
        body(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The request body encoding is not supported'),
      ];
    default:
      return null;
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function body(
  code: ErrorCode,
  message: string,
  details?: ErrorBody['error']['details'],
): ErrorBody {
  return details ? { error: { code, message, details } } : { error: { code, message } };
}
