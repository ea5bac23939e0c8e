import {
  applyDecorators,
  HttpStatus,
  Inject,
  Injectable,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ErrorCode } from '@switchboard/contracts';
import { SIGNATURE_WINDOW_SECONDS, verifySignedRequest } from '@switchboard/contracts/node';
import type { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { AppException } from '../common/app.exception';
import type { RequestWithRawBody } from '../common/raw-body';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  COORDINATION_STORE,
  type CoordinationStore,
} from '../drivers/coordination/coordination-store.port';

/**
 * Lets an engine's request through only when it is signed with ENGINE_SECRET over
 * `"<X-Timestamp>.<raw body>"`, is fresh, and its X-Request-Id was never used before — on any
 * server node, since the replay cache is the shared coordination store.
 */
@Injectable()
export class EngineSignatureGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(COORDINATION_STORE) private readonly store: CoordinationStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & RequestWithRawBody>();
    const check = verifySignedRequest(
      this.config.engineSecret,
      request.headers,
      request.rawBody ?? '',
    );
    if (!check.ok) throw refused(check.reason);
    // Claimed only after the signature holds, so forged requests cannot burn real ids. Ids are
    // kept twice the timestamp window: an older replay fails the timestamp check anyway.
    const fresh = await this.store.claimOnce(
      `engine-request:${check.requestId}`,
      SIGNATURE_WINDOW_SECONDS * 2 * 1000,
    );
    if (!fresh) throw refused('replayed_request');
    return true;
  }
}

function refused(reason: string): AppException {
  return new AppException(
    HttpStatus.UNAUTHORIZED,
    ErrorCode.UNAUTHENTICATED,
    `Engine request refused: ${reason}`,
    { reason },
  );
}

/** An engine-only route: no user login, a valid engine signature instead. */
export const EngineSigned = (): MethodDecorator & ClassDecorator =>
  applyDecorators(Public(), UseGuards(EngineSignatureGuard));
