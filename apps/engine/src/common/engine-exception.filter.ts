import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { EngineErrorCode, type EngineErrorBody } from '@switchboard/contracts';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { EngineException } from './engine.exception';

const STATUS_CODES: Partial<Record<number, EngineErrorCode>> = {
  400: EngineErrorCode.VALIDATION_FAILED,
  401: EngineErrorCode.UNAUTHENTICATED,
  404: EngineErrorCode.NOT_FOUND,
  413: EngineErrorCode.VALIDATION_FAILED,
  422: EngineErrorCode.NOT_SUPPORTED,
};

/** The one place that turns any error into `{ "error": { "code", "message", "details" } }`. */
@Catch()
export class EngineExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const [status, body] = toBody(exception);
    if (status >= 500) {
      this.logger.error({ err: exception, path: request.path }, 'engine request failed');
    }
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}

function toBody(exception: unknown): [number, EngineErrorBody] {
  if (exception instanceof EngineException) {
    const error = { code: exception.code, message: exception.message };
    return [
      exception.getStatus(),
      { error: exception.details ? { ...error, details: exception.details } : error },
    ];
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code =
      STATUS_CODES[status] ??
      (status >= 500 ? EngineErrorCode.INTERNAL : EngineErrorCode.VALIDATION_FAILED);
    return [status, { error: { code, message: exception.message } }];
  }
  return [
    500,
    {
      error: {
        code: EngineErrorCode.INTERNAL,
        message: 'Something went wrong in the engine; it has been logged',
      },
    },
  ];
}
