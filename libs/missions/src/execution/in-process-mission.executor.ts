import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MissionExecutor, MissionRecovery } from './mission-executor.js';
import { MissionRunner } from './mission-runner.js';
import type { MissionRef } from '../domain/mission-commands.js';
import type { Mission } from '../domain/mission.types.js';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { MissionDispatchRepository } from '../store/mission-dispatch.repository.js';
import { MissionsRepository } from '../store/missions.repository.js';

const runKey = (m: MissionRef): string => `${m.tenantId ?? ''}\u0000${m.missionId}`;

interface Run {
  mission: Mission;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs missions inside this process. A cancel only reaches runs of this process. While a run
 * lasts, a heartbeat keeps its dispatch entry in the future: this process is its owner. When
 * the process dies the entries fall due and a reconciler of any instance, this one restarted
 * included, runs the mission again (at least once, like BullMQ's retaken jobs).
 */
@Injectable()
export class InProcessMissionExecutor implements MissionExecutor, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(InProcessMissionExecutor.name);
  private readonly running = new Map<string, Run>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly runner: MissionRunner,
    private readonly repository: MissionsRepository,
    private readonly dispatch: MissionDispatchRepository,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  onModuleInit(): void {
    // Nest calls the hook twice, as this provider and as MISSION_EXECUTOR's value: one timer.
    if (this.options.execution.mode !== 'in-process' || this.heartbeat) return;
    // Three beats per grace period: one lost beat never makes a live run look dead.
    this.heartbeat = setInterval(() => void this.beat(), Math.max(50, this.options.execution.recoveryGraceMs / 3)).unref();
  }

  async start(mission: Mission): Promise<void> {
    const key = runKey({ tenantId: mission.tenantId, missionId: mission.id });
    if (this.running.has(key)) return;
    const controller = new AbortController();
    const done = this.runner
      .run(mission, controller.signal)
      .catch((error: unknown) => this.logger.error(`mission ${mission.id} run crashed: ${String(error)}`))
      .finally(() => this.running.delete(key));
    this.running.set(key, { mission, controller, done });
  }

  async cancel(mission: Mission): Promise<void> {
    this.running.get(runKey({ tenantId: mission.tenantId, missionId: mission.id }))?.controller.abort();
  }

  /** Its entry fell due, so its owner stopped beating: run it here, unless this process still runs it. */
  async recover(ref: MissionRef): Promise<MissionRecovery> {
    const mission = await this.repository.findMission(ref.tenantId, ref.missionId);
    if (mission?.status !== 'RUNNING') return { kind: 'not_running' };
    if (this.running.has(runKey(ref))) return { kind: 'in_hand' };
    await this.start(mission);
    return { kind: 'redispatched', mission, reason: 'its owner process stopped (no heartbeat)' };
  }

  /**
   * Gives runs in progress a grace period to finish, then aborts the rest. An aborted run
   * stays RUNNING in Redis; its entry falls due and another (or the restarted) instance runs it.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    const runs = [...this.running.values()];
    const allDone = Promise.allSettled(runs.map((run) => run.done));
    const grace = sleep(this.options.execution.shutdownGraceMs, undefined, { ref: false });
    await Promise.race([allDone, grace]);
    for (const run of runs) run.controller.abort();
    await allDone;
  }

  private async beat(): Promise<void> {
    const byTenant = new Map<string | null, string[]>();
    for (const { mission } of this.running.values()) byTenant.set(mission.tenantId, [...(byTenant.get(mission.tenantId) ?? []), mission.id]);
    const until = Date.now() + this.options.execution.recoveryGraceMs;
    await Promise.all([...byTenant].map(([tenantId, ids]) =>
      this.dispatch.extend(tenantId, ids, until).catch((error: unknown) => this.logger.warn(`heartbeat: ${String(error)}`))));
  }
}
