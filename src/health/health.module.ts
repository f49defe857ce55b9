import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { QueueHealthIndicator } from './queue.health.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

/**
 * `GET /health/live` and `GET /health/ready`. Needs `MissionsHealthRepository` and
 * `MissionQueueConnections` in scope:
 * import `MissionsModule` with `isGlobal: true`.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, QueueHealthIndicator, ShutdownHealthIndicator],
})
export class HealthModule {}
