import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, ModulesContainer } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { refuseSecondInstance, requireEventEmitter } from './missions.boot-checks.js';
import { MissionsAuthGuard } from './auth/missions-auth.guard.js';
import { jwtStrategyProvider } from './auth/jwt-auth.loader.js';
import { executionProviders } from './execution/execution.providers.js';
import { MissionCancelSignalsRepository } from './store/mission-cancel-signals.repository.js';
import { MissionHandlerExplorer } from './execution/mission-handler.explorer.js';
import { MissionHandlerRegistry } from './execution/mission-handler.registry.js';
import { MissionRecorder } from './events/mission-recorder.js';
import { MissionRunner } from './execution/mission-runner.js';
import { MissionQueueConnections } from './execution/mission-queue-connections.js';
import { MissionDispatchReconciler } from './execution/mission-dispatch.reconciler.js';
import { MissionDispatchRepository } from './store/mission-dispatch.repository.js';
import { InjectMissionsOptions, InjectMissionsRedis, MISSIONS_OPTIONS, MISSIONS_QUEUE } from './options/missions.constants.js';
import { MissionEventHub } from './events/mission-event-hub.js';
import { MissionEventStreamService } from './events/mission-event-stream.service.js';
import { MissionEventsRepository } from './store/mission-events.repository.js';
import { MissionsHealthRepository } from './store/missions-health.repository.js';
import { ConfigurableMissionsModule, MISSIONS_MODULE_OPTIONS } from './missions.module-definition.js';
import { resolveMissionsOptions, type MissionsModuleOptions, type ResolvedMissionsOptions } from './options/missions.options.js';
import { MissionsPublisher } from './events/missions.publisher.js';
import { missionsRedisProvider, ownsRedisClient } from './store/missions-redis.provider.js';
import { MissionsRepository } from './store/missions.repository.js';
import { MissionsService } from './core/missions.service.js';
import { MissionRetentionSweeper } from './core/mission-retention.sweeper.js';
import { MissionRetentionRepository } from './store/mission-retention.repository.js';
import type { MissionsRedisClient } from './store/redis-connection.js';
import { MissionsRateLimitGuard } from './http/missions-rate-limit.guard.js';
import { PrincipalRateLimitRepository } from './store/principal-rate-limit.repository.js';

/**
 * The missions API as a dynamic module: `MissionsModule.forRoot({...})` or
 * `MissionsModule.forRootAsync({ useFactory, inject })`, imported once per application. Needs
 * `EventEmitterModule.forRoot()` in the host app (events go to the app's one EventEmitter2).
 * `routes` mounts the HTTP routes at a path of the host's choosing (default `api/missions`,
 * under the host's global prefix) or leaves them out (`false`). Exports `MissionsService` for
 * programmatic use, `MissionHandlerRegistry` to register handlers per mission type (or mark
 * provider methods with `@MissionHandler(type)`), and `MissionsHealthRepository` for a
 * readiness probe of its Redis connection. `execution` picks where missions run.
 */
@Module({
  imports: [DiscoveryModule],
  // Controllers come from the `routes` extra (missions.module-definition.ts).
  providers: [
    {
      provide: MISSIONS_OPTIONS,
      inject: [MISSIONS_MODULE_OPTIONS, ModulesContainer, { token: EventEmitter2, optional: true }],
      useFactory: (raw: MissionsModuleOptions, modules: ModulesContainer, emitter?: EventEmitter2) => {
        refuseSecondInstance(modules);
        requireEventEmitter(emitter);
        return resolveMissionsOptions(raw);
      },
    },
    missionsRedisProvider,
    // Only registered with passport in 'jwt' mode; in 'host' mode there is no key to verify with.
    jwtStrategyProvider,
    MissionsAuthGuard,
    PrincipalRateLimitRepository,
    MissionsRateLimitGuard,
    MissionDispatchRepository,
    MissionsRepository,
    MissionsHealthRepository,
    MissionsPublisher,
    MissionRecorder,
    MissionHandlerRegistry,
    MissionHandlerExplorer,
    MissionRunner,
    MissionCancelSignalsRepository,
    // BullMQ's files are imported only in 'bullmq' mode (an optional peer).
    ...executionProviders,
    MissionDispatchReconciler,
    MissionsService,
    MissionRetentionRepository,
    MissionRetentionSweeper,
    MissionEventsRepository,
    MissionEventHub,
    MissionEventStreamService,
  ],
  exports: [MissionsService, MissionHandlerRegistry, MissionsHealthRepository, MissionQueueConnections, MISSIONS_OPTIONS, MISSIONS_QUEUE],
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
