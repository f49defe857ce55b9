import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MissionExecutor } from './mission-executor.js';
import { MissionRunner } from './mission-runner.js';
import type { Mission } from '../domain/mission.types.js';

const SHUTDOWN_GRACE_MS = 5000;

const runKey = (m: Mission): string => `${m.tenantId ?? ''}\u0000${m.id}`;

/**
 * Runs missions inside this process. Simple and fast, but a crash loses the runs in
 * progress and a cancel only reaches runs of this process.
 */
@Injectable()
export class InProcessMissionExecutor implements MissionExecutor, BeforeApplicationShutdown {
  private readonly logger = new Logger(InProcessMissionExecutor.name);
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(private readonly runner: MissionRunner) {}

  async start(mission: Mission): Promise<void> {
    const key = runKey(mission);
    if (this.running.has(key)) return;
    const controller = new AbortController();
    const done = this.runner
      .run(mission, controller.signal)
      .catch((error: unknown) => this.logger.error(`mission ${mission.id} run crashed: ${String(error)}`))
      .finally(() => this.running.delete(key));
    this.running.set(key, { controller, done });
  }

  async cancel(mission: Mission): Promise<void> {
    this.running.get(runKey(mission))?.controller.abort();
  }

  /**
   * Gives runs in progress a grace period to finish, then aborts the rest. An aborted run
   * stays RUNNING in Redis: this executor has no other process to hand it to.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const runs = [...this.running.values()];
    const allDone = Promise.allSettled(runs.map((run) => run.done));
    const grace = sleep(SHUTDOWN_GRACE_MS, undefined, { ref: false });
    await Promise.race([allDone, grace]);
    for (const run of runs) run.controller.abort();
    await allDone;
  }
}
