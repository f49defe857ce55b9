import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';
import { ConfigurableMetricsModule } from './metrics.module-definition.js';
import { MissionMetricsListener } from './mission-metrics.listener.js';
import { MissionsMetrics } from './missions-metrics.js';

/**
 * Prometheus metrics of the standalone service: `MetricsModule.forRoot({ token?, allow? })`.
 * Needs `EventEmitterModule.forRoot()` (the domain counters listen to mission events).
 */
@Module({
  controllers: [MetricsController],
  providers: [MissionsMetrics, MissionMetricsListener, MetricsAccessGuard],
  exports: [MissionsMetrics],
})
export class MetricsModule extends ConfigurableMetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
