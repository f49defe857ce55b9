import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { MissionQueueConnections } from 'missions';

/** Up when every BullMQ connection of this process is ready (trivially, when it has none). */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly connections: MissionQueueConnections,
  ) {}

  isHealthy(key = 'queue'): HealthIndicatorResult<typeof key> {
    const indicator = this.indicators.check(key);
    const states = this.connections.states();
    const details = Object.fromEntries(states.map(({ name, status }) => [name, status]));
    return states.every(({ status }) => status === 'ready') ? indicator.up(details) : indicator.down(details);
  }
}
