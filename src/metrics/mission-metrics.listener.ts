import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { MissionEventEnvelope } from 'missions';
import {
  MISSIONS_RECOVERY_EVENT,
  MISSIONS_RECOVERY_SWEEP_EVENT,
  MISSIONS_STORE_ERROR_EVENT,
  type MissionsRecoveryEvent,
  type MissionsRecoverySweepEvent,
  type MissionsStoreErrorEvent,
} from 'missions';
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

  @OnEvent(MISSIONS_RECOVERY_EVENT)
  onRecovered(event: MissionsRecoveryEvent): void {
    this.metrics.recovered.inc({ action: event.action });
  }

  @OnEvent(MISSIONS_RECOVERY_SWEEP_EVENT)
  onSweep(event: MissionsRecoverySweepEvent): void {
    this.metrics.runningWithoutJob.set(event.oldestWithoutJobMs / 1000);
    if (event.errors > 0) this.metrics.recoveryErrors.inc(event.errors);
  }
}
