import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DriverErrorCode, DriverException } from '../driver.exception';
import { errorMessage, type DriverLogger } from '../driver-logger';

/**
 * Re-derives unfinished work from the database: enqueues a job (with its deterministic id) for
 * every row still pending, and returns how many it enqueued. Must be safe to run on every boot of
 * every node — the job ids make a second enqueue of the same row a no-op.
 */
export interface WorkRecoveryHook {
  name: string;
  recover(): Promise<number>;
}

export type RecoveryResult =
  | { name: string; status: 'recovered'; enqueued: number }
  | { name: string; status: 'failed'; error: string };

/**
 * Runs every registered hook once at application bootstrap. Feature modules register their hooks
 * (and their queue handlers) in `onModuleInit`, which Nest finishes for all modules before any
 * `onApplicationBootstrap`, so the queue is ready when recovery enqueues.
 */
@Injectable()
export class WorkRecovery implements OnApplicationBootstrap {
  private readonly hooks = new Map<string, WorkRecoveryHook>();
  private ran = false;
  private logger: DriverLogger = new Logger(WorkRecovery.name);

  /** For tests and scripts that run recovery outside Nest. */
  static create(logger: DriverLogger): WorkRecovery {
    const recovery = new WorkRecovery();
    recovery.logger = logger;
    return recovery;
  }

  register(hook: WorkRecoveryHook): void {
    if (this.ran) {
      // A hook added after boot would never run: its pending rows would wait until a restart.
      throw new DriverException(
        DriverErrorCode.INVALID_STATE,
        `Recovery hook "${hook.name}" was registered after recovery ran; register it in onModuleInit`,
      );
    }
    if (this.hooks.has(hook.name)) {
      throw new DriverException(
        DriverErrorCode.INVALID_STATE,
        `A recovery hook named "${hook.name}" is already registered`,
      );
    }
    this.hooks.set(hook.name, hook);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recoverAll();
  }

  /**
   * Runs the hooks one after another. A failing hook is logged and reported but does not stop the
   * others or the boot: its rows stay pending in the database and the next boot tries again.
   */
  async recoverAll(): Promise<RecoveryResult[]> {
    if (this.ran) {
      throw new DriverException(DriverErrorCode.INVALID_STATE, 'Work recovery already ran');
    }
    this.ran = true;
    const results: RecoveryResult[] = [];
    for (const hook of this.hooks.values()) {
      try {
        const enqueued = await hook.recover();
        this.logger.log(`Recovery "${hook.name}": re-enqueued ${enqueued} job(s)`);
        results.push({ name: hook.name, status: 'recovered', enqueued });
      } catch (error) {
        const message = errorMessage(error);
        this.logger.error(
          `Recovery "${hook.name}" failed: ${message}`,
          error instanceof Error ? error.stack : undefined,
        );
        results.push({ name: hook.name, status: 'failed', error: message });
      }
    }
    return results;
  }
}
