import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { MissionStatus } from '../domain/mission.types.js';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { FinishedStatus, ResolvedMissionsOptions } from '../options/missions.options.js';
import { tenantIdOfTag } from './dispatch-keys.js';
import { defineScripts } from './lua-scripts.js';
import { missionKeys, retentionTenantsKey, tenantTag } from './mission-keys.js';
import { unwrap } from './missions-scripts.js';
import type { MissionsRedisClient } from './redis-connection.js';
import { storeRoundTrip } from './redis-store-errors.js';

/** A finished mission old enough to go. */
export interface ExpiredMission {
  missionId: string;
  status: FinishedStatus;
  finishedAt: number;
}

interface RetentionScripts {
  /** The dispatch reconciler's claim script (and name): leases due members of a schedule. */
  missionsClaimDueTenants(schedule: string, now: string, until: string, limit: string): Promise<string[]>;
}

/**
 * What the retention sweeper reads and schedules: the registry of tenants with finished
 * missions (its own slot) and each tenant's retention indexes (the tenant's slot). No command
 * spans the two, so it works on a Redis Cluster unchanged.
 */
@Injectable()
export class MissionRetentionRepository {
  private readonly scripts: RetentionScripts;
  private readonly registry: string;

  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {
    this.scripts = defineScripts<RetentionScripts>(redis, { missionsClaimDueTenants: { file: 'claim-due-tenants.lua', numberOfKeys: 1 } });
    this.registry = retentionTenantsKey(options.keyPrefix);
  }

  /** Up to `limit` tenants due for a sweep at `now`, leased to the caller until `leaseUntil`. */
  async claimDueTenants(now: number, limit: number, leaseUntil: number): Promise<(string | null)[]> {
    const tags = await this.send(() => this.scripts.missionsClaimDueTenants(this.registry, String(now), String(leaseUntil), String(limit)));
    // Only this module writes the registry; a member that is no tenant tag (written by hand)
    // must not stop the sweep of the others, so it is skipped (and comes due again each lease).
    return tags.flatMap((tag) => {
      try {
        return [tenantIdOfTag(tag)];
      } catch {
        return [];
      }
    });
  }

  /** When each tenant is due next; this also ends the lease. */
  async schedule(entries: { tenantId: string | null; at: number }[]): Promise<void> {
    if (entries.length === 0) return;
    const pairs = entries.flatMap(({ tenantId, at }) => [String(at), tenantTag(tenantId)]);
    await this.send(() => this.redis.zadd(this.registry, ...pairs));
  }

  /**
   * Up to `limit` missions of the tenant that finished at or before their status's cutoff,
   * oldest first; and the earliest time one of the others expires (null: none left), read in
   * the same round trip.
   */
  async expired(
    tenantId: string | null,
    cutoffs: Partial<Record<FinishedStatus, number>>,
    agesMs: Partial<Record<FinishedStatus, number>>,
    limit: number,
  ): Promise<{ expired: ExpiredMission[]; nextExpiry: number | null }> {
    const keys = missionKeys(this.options.keyPrefix, tenantId);
    const statuses = Object.keys(cutoffs) as FinishedStatus[];
    const pipeline = this.redis.pipeline();
    for (const status of statuses) {
      const index = keys.finishedIn(status as MissionStatus);
      pipeline.zrange(index, '-inf', String(cutoffs[status]), 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES');
      pipeline.zrange(index, `(${cutoffs[status]}`, '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES');
    }
    const replies = (await this.send(async () => unwrap(await pipeline.exec()))) as string[][];
    const expired: ExpiredMission[] = [];
    let nextExpiry: number | null = null;
    statuses.forEach((status, i) => {
      const [due, next] = [replies[2 * i], replies[2 * i + 1]];
      for (let k = 0; k < due.length; k += 2) expired.push({ missionId: due[k], status, finishedAt: Number(due[k + 1]) });
      if (next.length > 0) nextExpiry = Math.min(nextExpiry ?? Infinity, Number(next[1]) + agesMs[status]!);
    });
    expired.sort((a, b) => a.finishedAt - b.finishedAt);
    return { expired: expired.slice(0, limit), nextExpiry };
  }

  private send<T>(command: () => Promise<T>): Promise<T> {
    return storeRoundTrip('retention', command, this.emitter);
  }
}
