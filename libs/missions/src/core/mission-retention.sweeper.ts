import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { MissionRecorder } from '../events/mission-recorder.js';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { FinishedStatus, ResolvedMissionsOptions, ResolvedRetentionOptions } from '../options/missions.options.js';
import { MissionRetentionRepository } from '../store/mission-retention.repository.js';

/** A sweeper that dies mid-sweep holds its tenants this long; then any other sweeper takes them. */
const LEASE_MS = 60_000;

export interface SweepOutcome {
  tenants: number;
  deleted: number;
}

/**
 * Deletes finished missions past their retention age, eagerly and in bounded steps: each sweep
 * leases at most `tenantsPerSweep` due tenants and deletes at most `batchSize` missions, found
 * through the per-status retention indexes (O(expired), never a scan of all missions). Every
 * process with retention on runs one; the lease keeps them off each other's tenants, and the
 * delete script re-checks each mission, so even overlapping sweeps never delete twice.
 */
@Injectable()
export class MissionRetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MissionRetentionSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly repository: MissionRetentionRepository,
    private readonly recorder: MissionRecorder,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.retention) this.scheduleNext(this.options.retention.sweepIntervalMs);
  }

  // Before the module's own shutdown hook closes the Redis client a sweep may be using.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /** One sweep at `now`; exposed for tests and benchmarks. */
  async sweep(now = Date.now()): Promise<SweepOutcome> {
    const retention = this.options.retention;
    if (!retention) return { tenants: 0, deleted: 0 };
    const tenants = await this.repository.claimDueTenants(now, retention.tenantsPerSweep, now + LEASE_MS);
    const cutoffs = Object.fromEntries(
      Object.entries(retention.agesMs).map(([status, age]) => [status, now - age]),
    ) as Partial<Record<FinishedStatus, number>>;
    // Whatever finishes after `now` expires no sooner than now + the shortest age.
    const revisitBy = now + Math.min(...Object.values(retention.agesMs));
    const schedule: { tenantId: string | null; at: number }[] = [];
    let budget = retention.batchSize;
    let deleted = 0;
    try {
      for (const tenantId of tenants) {
        if (budget === 0) {
          schedule.push({ tenantId, at: now });
          continue;
        }
        const found = await this.repository.expired(tenantId, cutoffs, retention.agesMs, budget);
        const targets = found.expired.map(({ missionId, status }) => ({ missionId, finishedBy: cutoffs[status] }));
        const results = targets.length === 0 ? [] : await this.recorder.delete(tenantId, targets, 'retention', { tenantId, principalId: null });
        deleted += results.filter((result) => result.kind === 'deleted').length;
        budget -= found.expired.length;
        // A full batch may have left more behind: the tenant stays due.
        const next = budget === 0 ? now : Math.min(found.nextExpiry ?? Infinity, revisitBy);
        schedule.push({ tenantId, at: next });
      }
    } finally {
      // Tenants not rescheduled (an error mid-sweep) come due again when their lease ends.
      await this.repository.schedule(schedule);
    }
    return { tenants: tenants.length, deleted };
  }

  private scheduleNext(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.logger.error(`retention sweep failed: ${String(error)}`))
        .finally(() => this.scheduleNext((this.options.retention as ResolvedRetentionOptions).sweepIntervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
