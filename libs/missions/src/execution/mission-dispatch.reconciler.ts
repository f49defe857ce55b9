import { Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { MissionRef } from '../domain/mission-commands.js';
import type { MissionExecutor } from './mission-executor.js';
import { MissionRunner } from './mission-runner.js';
import {
  MISSIONS_RECOVERY_EVENT,
  MISSIONS_RECOVERY_SWEEP_EVENT,
  type MissionsRecoveryEvent,
  type MissionsRecoverySweepEvent,
} from './mission-recovery.events.js';
import { InjectMissionExecutor, InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { DISPATCH_SHARDS } from '../store/dispatch-keys.js';
import { MissionDispatchRepository, type ClaimedTenant } from '../store/mission-dispatch.repository.js';

// Bounded work per sweep; what is left stays due for the next one.
const TENANTS_PER_SHARD = 20;
const MISSIONS_PER_TENANT = 100;
/**
 * A tenant whose dispatch set is empty is dropped from the registry only if it did not register
 * within this long: a commit that registered then may not have landed when the set was read.
 */
const REGISTRATION_SETTLE_MS = 30_000;

interface SweepTally {
  oldestWithoutJobMs: number;
  errors: number;
}

/**
 * Runs in every process. Each sweep claims the tenants and dispatch entries that fell due (a
 * RUNNING mission gets an entry with its status; see change-status.lua) and asks the executor
 * what became of each mission: a job or a live owner has it; it had none and is dispatched
 * again; its run ended without an outcome and it is FAILED here; or it already ended. Claims
 * are atomic scripts, so processes share the work instead of repeating it.
 */
@Injectable()
export class MissionDispatchReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MissionDispatchReconciler.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly dispatch: MissionDispatchRepository,
    @InjectMissionExecutor() private readonly executor: MissionExecutor,
    private readonly runner: MissionRunner,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {}

  onApplicationBootstrap(): void {
    this.timer ??= setInterval(() => this.tick(), this.options.execution.recoveryIntervalMs).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass over every registry shard; public so specs can run one without waiting. */
  async sweep(): Promise<void> {
    const now = Date.now();
    const until = now + this.options.execution.recoveryGraceMs;
    const tally: SweepTally = { oldestWithoutJobMs: 0, errors: 0 };
    const shards = await Promise.allSettled(Array.from({ length: DISPATCH_SHARDS }, (_, shard) =>
      this.dispatch.claimDueTenants(shard, now, until, TENANTS_PER_SHARD)));
    for (const shard of shards) {
      if (shard.status === 'rejected') tally.errors += 1;
      else for (const tenant of shard.value) await this.reconcileTenant(tenant, tally);
    }
    this.emit(MISSIONS_RECOVERY_SWEEP_EVENT, tally satisfies MissionsRecoverySweepEvent);
  }

  private tick(): void {
    if (this.sweeping) return;
    this.sweeping = this.sweep()
      .catch((error: unknown) => this.logger.warn(`recovery sweep: ${String(error)}`))
      .finally(() => (this.sweeping = null));
  }

  private async reconcileTenant(tenant: ClaimedTenant, tally: SweepTally): Promise<void> {
    try {
      const readAt = Date.now();
      const { missionIds, next } = await this.dispatch.claimDue(
        tenant.tenantId, readAt, readAt + this.options.execution.recoveryGraceMs, MISSIONS_PER_TENANT);
      await Promise.all(missionIds.map((missionId) => this.reconcileMission({ tenantId: tenant.tenantId, missionId }, tally)));
      await this.dispatch.settleTenant(tenant, next, readAt - REGISTRATION_SETTLE_MS);
    } catch (error) {
      // Left claimed: the tenant falls due again after the grace period.
      tally.errors += 1;
      this.logger.warn(`recovery of tenant ${tenant.tag}: ${String(error)}`);
    }
  }

  private async reconcileMission(ref: MissionRef, tally: SweepTally): Promise<void> {
    try {
      const outcome = await this.executor.recover(ref);
      if (outcome.kind === 'not_running') await this.dispatch.remove(ref.tenantId, ref.missionId);
      if (outcome.kind !== 'redispatched' && outcome.kind !== 'lost') return;
      if (outcome.kind === 'lost' && !(await this.runner.failLostRun(ref.tenantId, ref.missionId, outcome.reason))) return;
      const runningForMs = Math.max(0, Date.now() - outcome.mission.updatedAt);
      tally.oldestWithoutJobMs = Math.max(tally.oldestWithoutJobMs, runningForMs);
      const action = outcome.kind === 'lost' ? 'failed' : 'redispatched';
      this.logger.warn(`Mission ${ref.missionId} (tenant ${ref.tenantId ?? '-'}) ${action} by recovery: ${outcome.reason}`);
      this.emit(MISSIONS_RECOVERY_EVENT, { ...ref, action, reason: outcome.reason, runningForMs } satisfies MissionsRecoveryEvent);
    } catch (error) {
      // Its entry was pushed to the next check by the claim: it is retried then.
      tally.errors += 1;
      this.logger.warn(`recovery of mission ${ref.missionId}: ${String(error)}`);
    }
  }

  private emit(event: string, payload: unknown): void {
    try {
      this.emitter?.emit(event, payload);
    } catch {
      // A failing listener must not stop recovery.
    }
  }
}
