import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Principal } from '../domain/principal.js';
import { PrincipalRateLimitRepository } from '../store/principal-rate-limit.repository.js';

/**
 * Runs after {@link MissionsAuthGuard}: charges one request to the caller's budget and answers
 * 429 with `Retry-After` (seconds) once it is spent. Public routes carry no principal and pass.
 */
@Injectable()
export class MissionsRateLimitGuard implements CanActivate {
  constructor(
    private readonly limits: PrincipalRateLimitRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const principal = http.getRequest<{ user?: Principal }>().user;
    if (!this.limits.enabled || !principal) return true;
    const decision = await this.limits.consume(principal);
    if (decision.allowed) return true;
    this.adapterHost.httpAdapter.setHeader(http.getResponse(), 'Retry-After', String(decision.retryAfterSeconds));
    const status = HttpStatus.TOO_MANY_REQUESTS;
    throw new HttpException(HttpException.createBody('Too many requests, retry later', 'Too Many Requests', status), status);
  }
}
