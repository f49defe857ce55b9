import { Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { Principal } from '../domain/principal.js';
import { tenantTag } from './mission-keys.js';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import type { MissionsRedisClient } from './redis-connection.js';

/** Longest wait for the shared counter before the per-instance fallback decides instead. */
const SHARED_COUNTER_WAIT_MS = 100;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts requests per principal in Redis (rate-limiter-flexible, one atomic INCR+PEXPIRE script
 * per request), so every instance draws from one budget. While Redis is away or slow it falls
 * back to an in-memory counter of the same size: limits hold per instance instead of failing
 * every request (the store would answer 503 anyway) or failing fully open.
 */
@Injectable()
export class PrincipalRateLimitRepository {
  private readonly logger = new Logger(PrincipalRateLimitRepository.name);
  private readonly limiter?: RLWrapperTimeouts;

  constructor(
    @InjectMissionsRedis() redis: MissionsRedisClient,
    @InjectMissionsOptions() options: ResolvedMissionsOptions,
  ) {
    const limit = options.rateLimit;
    if (!limit) return;
    const window = { points: limit.points, duration: limit.durationSeconds };
    const insuranceLimiter = new RateLimiterMemory(window);
    const shared = new RateLimiterRedis({
      ...window,
      storeClient: redis,
      // Keys: <prefix>rl:{t.acme}:<principal>, in the tenant's hash tag like its missions.
      keyPrefix: `${options.keyPrefix}rl`,
      rejectIfRedisNotReady: true,
      insuranceLimiter,
    });
    this.limiter = new RLWrapperTimeouts({ limiter: shared, timeoutMs: SHARED_COUNTER_WAIT_MS, insuranceLimiter });
  }

  get enabled(): boolean {
    return this.limiter !== undefined;
  }

  async consume(principal: Principal): Promise<RateLimitDecision> {
    if (!this.limiter) return { allowed: true };
    const key = `{${tenantTag(principal.tenant_id)}}:${encodeURIComponent(principal.principal_id)}`;
    try {
      await this.limiter.consume(key);
      return { allowed: true };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) };
      }
      // Both counters failed: let the request through rather than refuse everyone.
      this.logger.warn(`rate limit not checked: ${String(outcome)}`);
      return { allowed: true };
    }
  }
}
