import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/**
 * Down from the moment the app starts shutting down, so a load balancer stops routing new
 * requests here while the server still finishes the ones it has.
 */
@Injectable()
export class ShutdownHealthIndicator implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(private readonly indicators: HealthIndicatorService) {}

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  isHealthy(key = 'shutdown'): HealthIndicatorResult<typeof key> {
    const session = this.indicators.check(key);
    return this.shuttingDown ? session.down('shutting down') : session.up();
  }
}
