import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PLATFORM_ADMIN_ROLE } from '@switchboard/contracts';
import { AppException } from '../common/app.exception';
import { IS_PUBLIC, PLATFORM_ADMIN_ONLY } from './auth.decorators';
import { AuthService } from './auth.service';
import type { SwitchboardRequest } from './request-context';
import { sessionTokenFrom } from './session-token';

/** Global guard: every route needs a valid login unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<SwitchboardRequest>();
    const token = sessionTokenFrom(request);
    const auth = token ? await this.auth.resolve(token) : null;
    if (!auth) throw AppException.unauthenticated();
    request.auth = auth;
    if (
      this.reflector.getAllAndOverride<boolean>(PLATFORM_ADMIN_ONLY, targets) &&
      auth.user.role !== PLATFORM_ADMIN_ROLE
    ) {
      throw AppException.forbidden('Only platform administrators may do this');
    }
    return true;
  }
}
