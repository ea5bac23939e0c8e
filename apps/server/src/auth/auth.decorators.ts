import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthContext, SwitchboardRequest } from './request-context';

export const IS_PUBLIC = Symbol('isPublic');
export const PLATFORM_ADMIN_ONLY = Symbol('platformAdminOnly');

/** The route answers without a login. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only platform super admins may call the route. */
export const PlatformAdminOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(PLATFORM_ADMIN_ONLY, true);

export const CurrentAuth = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthContext => {
    const auth = ctx.switchToHttp().getRequest<SwitchboardRequest>().auth;
    if (!auth) throw new Error('CurrentAuth used on a public route');
    return auth;
  },
);
