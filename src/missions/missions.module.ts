import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MissionsAuthGuard } from '../auth/missions-auth.guard.js';
import { MissionsJwtStrategy } from '../auth/missions-jwt.strategy.js';
import { BullMqMissionExecutor } from './bullmq-mission.executor.js';
import { InProcessMissionExecutor } from './in-process-mission.executor.js';
import { MissionCancelSignalsRepository } from './mission-cancel-signals.repository.js';
import { MissionHandlerExplorer } from './mission-handler.explorer.js';
import { MissionHandlerRegistry } from './mission-handler.registry.js';
import { MissionJobWorker } from './mission-job.worker.js';
import { MissionQueueConnections } from './mission-queue-connections.js';
import { MissionRecorder } from './mission-recorder.js';
import { MissionRunner } from './mission-runner.js';
import { InjectMissionsOptions, InjectMissionsRedis, MISSION_EXECUTOR, MISSIONS_OPTIONS } from './missions.constants.js';
import { MissionsController } from './missions.controller.js';
import { MissionsEventsController } from './missions-events.controller.js';
import { MissionEventHub } from './mission-event-hub.js';
import { MissionEventStreamService } from './mission-event-stream.service.js';
import { MissionEventsRepository } from './mission-events.repository.js';
import { MissionsHealthRepository } from './missions-health.repository.js';
import { ConfigurableMissionsModule, MISSIONS_MODULE_OPTIONS } from './missions.module-definition.js';
import { resolveMissionsOptions, type MissionsModuleOptions, type ResolvedMissionsOptions } from './missions.options.js';
import { MissionsPublisher } from './missions.publisher.js';
import { missionsRedisProvider, ownsRedisClient } from './missions-redis.provider.js';
import { MissionsRepository } from './missions.repository.js';
import { MissionsService } from './missions.service.js';
import type { MissionsRedisClient } from './redis-connection.js';
import { MissionsRateLimitGuard } from './missions-rate-limit.guard.js';
import { PrincipalRateLimitRepository } from './principal-rate-limit.repository.js';

/**
 * The missions API as a dynamic module: `MissionsModule.forRoot({...})` or
 * `MissionsModule.forRootAsync({ useFactory, inject })`. Needs `EventEmitterModule.forRoot()`
 * in the host app (events go to the app's one EventEmitter2). Exports `MissionsService` for
 * programmatic use, `MissionHandlerRegistry` to register handlers per mission type (or mark
 * provider methods with `@MissionHandler(type)`), and `MissionsHealthRepository` for a
 * readiness probe of its Redis connection. `execution` picks where missions run.
 */
@Module({
  imports: [DiscoveryModule],
  // MissionsEventsController first: its literal `events` must win over `GET :id`.
  controllers: [MissionsEventsController, MissionsController],
  providers: [
    { provide: MISSIONS_OPTIONS, inject: [MISSIONS_MODULE_OPTIONS], useFactory: (raw: MissionsModuleOptions) => resolveMissionsOptions(raw) },
    missionsRedisProvider,
    {
      // Only registered with passport in 'jwt' mode; in 'host' mode there is no key to verify with.
      provide: MissionsJwtStrategy,
      inject: [MISSIONS_OPTIONS],
      useFactory: (options: ResolvedMissionsOptions) => (options.auth.mode === 'jwt' ? new MissionsJwtStrategy(options) : null),
    },
    MissionsAuthGuard,
    PrincipalRateLimitRepository,
    MissionsRateLimitGuard,
    MissionsRepository,
    MissionsHealthRepository,
    MissionsPublisher,
    MissionRecorder,
    MissionHandlerRegistry,
    MissionHandlerExplorer,
    MissionRunner,
    MissionCancelSignalsRepository,
    InProcessMissionExecutor,
    BullMqMissionExecutor,
    MissionJobWorker,
    MissionQueueConnections,
    {
      provide: MISSION_EXECUTOR,
      inject: [MISSIONS_OPTIONS, InProcessMissionExecutor, BullMqMissionExecutor],
      useFactory: (options: ResolvedMissionsOptions, inProcess: InProcessMissionExecutor, bullmq: BullMqMissionExecutor) =>
        (options.execution.mode === 'bullmq' ? bullmq : inProcess),
    },
    MissionsService,
    MissionEventsRepository,
    MissionEventHub,
    MissionEventStreamService,
  ],
  exports: [MissionsService, MissionHandlerRegistry, MissionsHealthRepository, MissionQueueConnections, MISSIONS_OPTIONS],
})
export class MissionsModule extends ConfigurableMissionsModule implements OnApplicationShutdown {
  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    if (ownsRedisClient(this.options)) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
