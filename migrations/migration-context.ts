import type { SecretBox } from '@switchboard/contracts/node';
import type { MigrationInterface } from 'typeorm';

/**
 * What the migrations need from the process that runs them. TypeORM instantiates migration classes
 * with `new` and no arguments, so the classes that need it close over it (see buildMigrations).
 */
export interface MigrationContext {
  /** Seals secrets moved out of plaintext columns; null when ENCRYPTION_KEY is not configured. */
  secretBox: SecretBox | null;
  /** Receives one line per thing an operator must look at (data left as it was, not guessed). */
  report(line: string): void;
}

export type MigrationClass = new () => MigrationInterface;
