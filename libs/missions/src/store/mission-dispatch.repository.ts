import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Cluster } from 'ioredis';
import { keySlot } from './cluster-slot.js';
import { DISPATCH_SHARDS, dispatchShardKeys, homeShard, tenantIdOfTag } from './dispatch-keys.js';
import { missionKeys, tenantTag } from './mission-keys.js';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import type { MissionsRedisClient } from './redis-connection.js';
import { storeRoundTrip } from './redis-store-errors.js';
import { defineScripts, type ScriptFile } from './lua-scripts.js';
import { StoreUnavailableError } from '../errors/store-unavailable.error.js';

/** A tenant a reconciler claimed on one registry shard. */
export interface ClaimedTenant {
  shard: number;
  tag: string;
  tenantId: string | null;
}

/** The commands defineCommand adds to the client. */
interface DispatchScripts {
  missionsRegisterDispatchTenant(schedule: string, registered: string, tag: string, due: string, at: string): Promise<number>;
  missionsClaimDueTenants(schedule: string, now: string, until: string, limit: string): Promise<string[]>;
  missionsClaimDueDispatch(dispatch: string, now: string, until: string, limit: string): Promise<string[]>;
  missionsSettleDispatchTenant(schedule: string, registered: string, tag: string, next: string, cutoff: string): Promise<string>;
}

const SCRIPTS: Record<keyof DispatchScripts, ScriptFile> = {
  missionsRegisterDispatchTenant: { file: 'register-dispatch-tenant.lua', numberOfKeys: 2 },
  missionsClaimDueTenants: { file: 'claim-due-tenants.lua', numberOfKeys: 1 },
  missionsClaimDueDispatch: { file: 'claim-due-dispatch.lua', numberOfKeys: 1 },
  missionsSettleDispatchTenant: { file: 'settle-dispatch-tenant.lua', numberOfKeys: 2 },
};

/**
 * The dispatch records of RUNNING missions: per tenant, a sorted set written by the status
 * script itself (see change-status.lua), and the sharded registry of tenants that have one.
 * Reconcilers claim due tenants, then due entries, each claim one atomic script.
 */
@Injectable()
export class MissionDispatchRepository {
  private readonly scripts: DispatchScripts;

  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {
    this.scripts = defineScripts<DispatchScripts>(redis, SCRIPTS);
  }

  /**
   * Registers the tenant before a mission of its may enter RUNNING due at `due`. On a cluster a
   * second shard, on another master, is tried when the first is unreachable.
   */
  async registerTenant(tenantId: string | null, due: number, at: number): Promise<void> {
    const tag = tenantTag(tenantId);
    const shards = this.redis instanceof Cluster ? this.clusterShards(this.redis, tenantId) : [homeShard(tag)];
    for (const [n, shard] of shards.entries()) {
      const keys = dispatchShardKeys(this.options.keyPrefix, shard);
      try {
        await this.send('dispatch_register', () =>
          this.scripts.missionsRegisterDispatchTenant(keys.schedule, keys.registered, tag, String(due), String(at)));
        return;
      } catch (error) {
        if (n === shards.length - 1 || !(error instanceof StoreUnavailableError)) throw error;
      }
    }
  }

  /** Tenants due for a look on one shard, claimed until `until`. */
  async claimDueTenants(shard: number, now: number, until: number, limit: number): Promise<ClaimedTenant[]> {
    const { schedule } = dispatchShardKeys(this.options.keyPrefix, shard);
    const tags = await this.send('dispatch_claim_tenants', () =>
      this.scripts.missionsClaimDueTenants(schedule, String(now), String(until), String(limit)));
    return tags.map((tag) => ({ shard, tag, tenantId: tenantIdOfTag(tag) }));
  }

  /** The tenant's due mission ids, each pushed to `until`, and the earliest due left (null: none). */
  async claimDue(tenantId: string | null, now: number, until: number, limit: number): Promise<{ missionIds: string[]; next: number | null }> {
    const [next, ...missionIds] = await this.send('dispatch_claim', () =>
      this.scripts.missionsClaimDueDispatch(this.dispatchKey(tenantId), String(now), String(until), String(limit)));
    return { missionIds, next: next === '' ? null : Number(next) };
  }

  /** Schedules the tenant's next look at `next`, or drops it when it has no entry and did not register since `cutoff`. */
  async settleTenant({ shard, tag }: ClaimedTenant, next: number | null, cutoff: number): Promise<void> {
    const keys = dispatchShardKeys(this.options.keyPrefix, shard);
    await this.send('dispatch_settle', () =>
      this.scripts.missionsSettleDispatchTenant(keys.schedule, keys.registered, tag, next === null ? '' : String(next), String(cutoff)));
  }

  /** The owner's heartbeat: its missions' next check moves to `until`; ended ones (no entry) stay gone. */
  async extend(tenantId: string | null, missionIds: string[], until: number): Promise<void> {
    if (missionIds.length === 0) return;
    const members = missionIds.flatMap((id) => [String(until), id]);
    await this.send('dispatch_extend', () => this.redis.zadd(this.dispatchKey(tenantId), 'XX', ...members));
  }

  /** Drops the entry of a mission that is gone or no longer RUNNING. */
  async remove(tenantId: string | null, missionId: string): Promise<void> {
    await this.send('dispatch_remove', () => this.redis.zrem(this.dispatchKey(tenantId), missionId));
  }

  /**
   * A shard on the tenant's own master first, so a registration never waits on a master the
   * tenant's commit does not need; then one on another master, should the slot map be stale.
   */
  private clusterShards(cluster: Cluster, tenantId: string | null): number[] {
    const masterOf = (key: string): string | undefined => cluster.slots[keySlot(key)]?.[0];
    const tenantMaster = masterOf(this.dispatchKey(tenantId));
    const home = homeShard(tenantTag(tenantId));
    const order = Array.from({ length: DISPATCH_SHARDS }, (_, i) => (home + i) % DISPATCH_SHARDS);
    const onMaster = (shard: number) => masterOf(dispatchShardKeys(this.options.keyPrefix, shard).schedule) === tenantMaster;
    const local = order.find(onMaster);
    const elsewhere = order.find((shard) => !onMaster(shard));
    return [local ?? home, elsewhere ?? (home + DISPATCH_SHARDS / 2) % DISPATCH_SHARDS];
  }

  private dispatchKey(tenantId: string | null): string {
    return missionKeys(this.options.keyPrefix, tenantId).dispatch;
  }

  private send<T>(operation: string, command: () => Promise<T>): Promise<T> {
    return storeRoundTrip(operation, command, this.emitter);
  }
}
