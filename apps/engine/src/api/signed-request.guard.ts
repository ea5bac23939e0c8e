import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SIGNATURE_HEADERS, verifySignature } from '@switchboard/contracts/node';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { EngineException } from '../common/engine.exception';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { ReplayCache } from './replay-cache';

const REQUEST_ID = /^[\w.:-]{8,128}$/;

/**
 * Lets a command through only when it is signed with ENGINE_SECRET over
 * `"<X-Timestamp>.<raw body>"`, is fresh, and its X-Request-Id was not used before.
 */
@Injectable()
export class SignedRequestGuard implements CanActivate {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly replays: ReplayCache,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const check = verifySignature(
      this.config.engineSecret,
      {
        timestamp: header(SIGNATURE_HEADERS.TIMESTAMP),
        signature: header(SIGNATURE_HEADERS.SIGNATURE),
      },
      request.rawBody ?? '',
    );
    if (!check.ok) return this.reject(request, check.reason);
    const requestId = header(SIGNATURE_HEADERS.REQUEST_ID);
    if (!requestId || !REQUEST_ID.test(requestId)) return this.reject(request, 'bad_request_id');
    // Claimed only after the signature checks out, so forged requests cannot burn real ids.
    if (!this.replays.claim(requestId)) return this.reject(request, 'replayed_request');
    return true;
  }

  private reject(request: Request, reason: string): never {
    this.logger.warn({ method: request.method, path: request.path, reason }, 'unsigned command');
    throw EngineException.unauthenticated(reason);
  }
}
