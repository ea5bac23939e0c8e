import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { verifySignedRequest } from '@switchboard/contracts/node';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { EngineException } from '../common/engine.exception';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { ReplayCache } from './replay-cache';

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
    const check = verifySignedRequest(
      this.config.engineSecret,
      request.headers,
      request.rawBody ?? '',
    );
    if (!check.ok) return this.reject(request, check.reason);
    // Claimed only after the signature checks out, so forged requests cannot burn real ids.
    if (!this.replays.claim(check.requestId)) return this.reject(request, 'replayed_request');
    return true;
  }

  private reject(request: Request, reason: string): never {
    this.logger.warn({ method: request.method, path: request.path, reason }, 'unsigned command');
    throw EngineException.unauthenticated(reason);
  }
}
