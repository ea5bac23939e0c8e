import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Structured JSON logs; signatures and secrets are redacted wherever they appear. */
export function createEngineLogger(level: string, engineId: string): Logger {
  return pino({
    level,
    base: { service: 'engine', engine: engineId },
    redact: {
      paths: ['req.headers["x-signature"]', '*.engineSecret', '*.secret', '*.base64'],
      censor: '[redacted]',
    },
  });
}

/** Lets Nest's own messages go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
