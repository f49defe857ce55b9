import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../domain/principal.js';
import { unauthorized } from './unauthorized.js';

/**
 * The authenticated caller, as set on `request.user` by {@link MissionsAuthGuard}.
 * Use it only on routes behind that guard.
 */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
  // Fail closed: a route wired without the guard must not run tenant-scoped code with no tenant.
  if (!user) throw unauthorized();
  return user;
});
