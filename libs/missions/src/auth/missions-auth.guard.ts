import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { loadJwtAuth } from './jwt-auth.loader.js';
import type { Principal } from '../domain/principal.js';
import { isPrincipal } from './principal-from-claims.js';
import { MISSIONS_PUBLIC_KEY } from './public.decorator.js';
import { allowQueryToken, MISSIONS_QUERY_TOKEN_KEY } from './query-token.js';
import { unauthorized } from './unauthorized.js';

/**
 * Authenticates every missions route except those marked `@Public()`, and puts the caller's
 * {@link Principal} on `request.user`. In `auth.mode: 'jwt'` it verifies the Bearer token with
 * the `missions-jwt` passport strategy; in `'host'` it asks `auth.resolvePrincipal(request)`
 * (default: `request.user`). Anything else answers Nest's standard 401.
 *
 * Extend it and override the protected hooks to adapt it, e.g. `resolvePrincipal`.
 */
@Injectable()
export class MissionsAuthGuard implements CanActivate {
  // Composed rather than inherited, and loaded on first use, so host mode never loads passport.
  private jwtGuard?: Promise<CanActivate>;

  constructor(
    protected readonly reflector: Reflector,
    @InjectMissionsOptions() protected readonly options: ResolvedMissionsOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const principal = await this.resolvePrincipal(context).catch((error: unknown) => {
      // Passport's bare 401 lacks `error`: every 401 leaves with the contract's body.
      throw error instanceof HttpException && error.getStatus() === HttpStatus.UNAUTHORIZED ? unauthorized() : error;
    });
    // Checked here, not in each source, so an overridden resolvePrincipal is held to it too.
    if (!isPrincipal(principal)) throw unauthorized();
    this.getRequest(context).user = principal;
    return true;
  }

  /** Whether the route or its controller is marked `@Public()`. */
  protected isPublic(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(MISSIONS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
  }

  /** Whether the route or its controller is marked `@AllowQueryToken()` (jwt mode only). */
  protected allowsQueryToken(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(MISSIONS_QUERY_TOKEN_KEY, [context.getHandler(), context.getClass()]) === true;
  }

  /** The caller, or null/undefined for 401. May also throw an HTTP exception of its own. */
  protected async resolvePrincipal(context: ExecutionContext): Promise<Principal | null | undefined> {
    const request = this.getRequest(context);
    const auth = this.options.auth;
    if (auth.mode === 'host') {
      return auth.resolvePrincipal ? auth.resolvePrincipal(request) : (request.user as Principal | undefined);
    }
    if (this.allowsQueryToken(context)) allowQueryToken(request);
    // Throws 401 itself when the token is missing or invalid; on success sets request.user.
    this.jwtGuard ??= loadJwtAuth().then(({ createMissionsJwtGuard }) => createMissionsJwtGuard());
    await (await this.jwtGuard).canActivate(context);
    return request.user as Principal;
  }

  protected getRequest(context: ExecutionContext): { user?: unknown } {
    return context.switchToHttp().getRequest();
  }
}
