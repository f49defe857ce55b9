import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { MissionEventEnvelope } from 'missions';
import { MISSIONS_STORE_ERROR_EVENT, type MissionsStoreErrorEvent } from 'missions';
import { MissionsMetrics } from './missions-metrics.js';

const OUTCOMES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** Feeds the domain counters from the committed mission events, so the service knows nothing of metrics. */
@Injectable()
export class MissionMetricsListener {
  constructor(private readonly metrics: MissionsMetrics) {}

  @OnEvent('mission.created')
  onCreated(): void {
    this.metrics.missionsCreated.inc();
  }

  @OnEvent('mission.status_changed')
  onStatusChanged(event: MissionEventEnvelope): void {
    const { old_status: from, new_status: to } = event.payload as { old_status: string; new_status: string };
    this.metrics.transitions.inc({ from, to });
    if (from === 'RUNNING' && OUTCOMES.has(to)) this.metrics.executions.inc({ outcome: to });
  }

  @OnEvent(MISSIONS_STORE_ERROR_EVENT)
  onStoreError(event: MissionsStoreErrorEvent): void {
    this.metrics.redisErrors.inc({ operation: event.operation, kind: event.kind });
  }
}
