import { Logger } from '@nestjs/common';

/**
 * The little a driver needs to log. Nest's `Logger` satisfies it (and goes through the app's pino
 * logger); tests pass a recorder so expected failures stay quiet.
 */
export interface DriverLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export function defaultDriverLogger(context: string): DriverLogger {
  return new Logger(context);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
