import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode, type ErrorBody, type FieldProblem } from '@switchboard/contracts';

/** An error the API answers with a code from the contracts and a message a user can act on. */
export class AppException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['error']['details'],
  ) {
    super(message, status);
  }

  static notFound(what: string): AppException {
    return new AppException(HttpStatus.NOT_FOUND, ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static forbidden(message: string): AppException {
    return new AppException(HttpStatus.FORBIDDEN, ErrorCode.FORBIDDEN, message);
  }

  static conflict(message: string, details?: Record<string, unknown>): AppException {
    return new AppException(HttpStatus.CONFLICT, ErrorCode.CONFLICT, message, details);
  }

  /** A request that is well-formed but names fields the operation cannot do without. */
  static validation(message: string, fields: FieldProblem[]): AppException {
    return new AppException(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_FAILED, message, {
      fields,
    });
  }

  static unauthenticated(message = 'Log in to continue'): AppException {
    return new AppException(HttpStatus.UNAUTHORIZED, ErrorCode.UNAUTHENTICATED, message);
  }
}
