import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { MissionsHealthRepository } from 'missions';

/** A PING slower than this counts as down: a probe must answer well within its own timeout. */
export const REDIS_PING_TIMEOUT_MS = 1000;

/** Up when the missions module's Redis answers PING within {@link REDIS_PING_TIMEOUT_MS}. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly missionsHealth: MissionsHealthRepository,
  ) {}

  isHealthy(key = 'redis'): PromiseLike<HealthIndicatorResult<typeof key>> {
    return this.indicators
      .check(key)
      .attempt(() => this.missionsHealth.ping())
      .withTimeout(REDIS_PING_TIMEOUT_MS);
  }
}
