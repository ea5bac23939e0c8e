import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ENGINE_LOGGER } from '../engine.tokens';

/**
 * whatsapp-web.js and puppeteer leave promises unhandled in some paths (an `inject()` racing a
 * `destroy()` rejects with TargetCloseError). Node would crash the engine and every session on
 * it; this logs them instead.
 */
@Injectable()
export class ProcessGuardService implements OnModuleInit, OnModuleDestroy {
  private readonly onRejection = (reason: unknown) => this.contain(reason);

  constructor(@Inject(ENGINE_LOGGER) private readonly logger: Logger) {}

  onModuleInit(): void {
    process.on('unhandledRejection', this.onRejection);
  }

  onModuleDestroy(): void {
    process.off('unhandledRejection', this.onRejection);
  }

  contain(reason: unknown): void {
    this.logger.error(
      { err: reason instanceof Error ? reason : new Error(String(reason)) },
      'unhandled promise rejection contained',
    );
  }
}
