import { Module } from '@nestjs/common';
import { RequestEventsModule } from '../http/request-events.module.js';
import { RequestEvents } from '../http/request-events.js';
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
  imports: [RequestEventsModule],
  controllers: [MetricsController],
  providers: [MissionsMetrics, MissionMetricsListener, MetricsAccessGuard],
  exports: [MissionsMetrics],
})
export class MetricsModule extends ConfigurableMetricsModule {
  constructor(events: RequestEvents, metrics: MissionsMetrics) {
    super();
    // Every request, guards' 401 and 429 included (an interceptor would miss those), by route
    // pattern, never the raw URL, so ids do not explode the series count.
    events.onFinished((r) => metrics.httpDuration.observe({ method: r.method, route: r.route, status: String(r.status) }, r.durationMs / 1000));
  }
}
