import { HttpException } from '@nestjs/common';
import { ENGINE_ERROR_STATUS, EngineErrorCode, type SessionStatus } from '@switchboard/contracts';

/** An error the engine API answers with a code from the contracts. */
export class EngineException extends HttpException {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message, ENGINE_ERROR_STATUS[code]);
  }

  static sessionNotFound(sessionId: string): EngineException {
    return new EngineException(
      EngineErrorCode.SESSION_NOT_FOUND,
      `Session ${sessionId} is not on this engine`,
      { session_id: sessionId },
    );
  }

  static notConnected(sessionId: string, status: SessionStatus): EngineException {
    return new EngineException(
      EngineErrorCode.SESSION_NOT_CONNECTED,
      `Session ${sessionId} is not connected (status ${status})`,
      { session_id: sessionId, status },
    );
  }

  static invalidState(sessionId: string, status: SessionStatus, action: string): EngineException {
    return new EngineException(
      EngineErrorCode.INVALID_SESSION_STATE,
      `Session ${sessionId} cannot ${action} while ${status}`,
      { session_id: sessionId, status },
    );
  }

  static unauthenticated(reason: string): EngineException {
    return new EngineException(EngineErrorCode.UNAUTHENTICATED, 'Request signature rejected', {
      reason,
    });
  }

  static invalid(message: string): EngineException {
    return new EngineException(EngineErrorCode.VALIDATION_FAILED, message);
  }
}
