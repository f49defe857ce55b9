import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus series, in a Registry of its own (not prom-client's global one, so
 * two apps in one process, as in the tests, never register a name twice).
 */
@Injectable()
export class MissionsMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly missionsCreated = new Counter({
    name: 'missions_created_total',
    help: 'Missions created.',
    registers: [this.registry],
  });

  readonly transitions = new Counter({
    name: 'mission_transitions_total',
    help: 'Mission status changes, by from and to status.',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  readonly executions = new Counter({
    name: 'mission_executions_total',
    help: 'Finished executions (RUNNING to COMPLETED, FAILED or CANCELLED), by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly redisErrors = new Counter({
    name: 'missions_redis_command_errors_total',
    help: 'Failed Redis commands of the missions store, by operation and kind (unavailable or reply).',
    labelNames: ['operation', 'kind'] as const,
    registers: [this.registry],
  });

  readonly recovered = new Counter({
    name: 'missions_recovered_total',
    help: 'RUNNING missions a reconciler found without a job or live owner, by action (redispatched or failed).',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly recoveryErrors = new Counter({
    name: 'missions_recovery_errors_total',
    help: 'Tenants or missions a reconciler sweep could not check (Redis or the queue unreachable); retried later.',
    registers: [this.registry],
  });

  readonly runningWithoutJob = new Gauge({
    name: 'missions_running_without_job_oldest_seconds',
    help: 'In the last reconciler sweep: how long the oldest mission it recovered had been RUNNING without a job or live owner (0: none).',
    registers: [this.registry],
  });

  constructor() {
    // Process metrics, among them nodejs_eventloop_lag_seconds and the event-loop delay percentiles.
    collectDefaultMetrics({ register: this.registry });
  }
}
