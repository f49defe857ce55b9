import { MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStats, type MissionStatus } from '../domain/mission.types.js';
import { isTerminal } from '../domain/mission-state.js';
import { FinishedTenantsRegistry } from './finished-tenants.registry.js';
import { defineScripts } from './lua-scripts.js';
import { indexMember, missionKeys, nameIndexMember, type MissionKeys } from './mission-keys.js';
import { missionToFields, serializeLogEntry, statsFromRecord, type RedisRecord } from './mission-record.js';
import type { MissionsRedisClient } from './redis-connection.js';

/** A mission brought over whole from another store: the document and its entire log, oldest first. */
export interface ImportedMission {
  mission: Mission;
  log: MissionLogEntry[];
}

/** What became of one mission: written, or left as it was because its id is taken in the tenant. */
export type MissionImportOutcome = 'imported' | 'already_present';

/** A tenant's stats next to the sizes of its indexes: after any number of imports they agree. */
export interface TenantCounts {
  stats: MissionStats;
  indexed: { all: number; byName: number; byStatus: Record<MissionStatus, number> };
}

interface ImportScripts {
  /** Variable key count (the retention index is for finished missions only), so the count comes first. */
  missionsImport(numberOfKeys: number, ...keysAndArgs: string[]): Promise<0 | 1>;
}

/**
 * Writes missions of another store into one tenant (the service's `npm run import:seed`).
 * Each mission is one script, so it is there whole or not at all, with its indexes and stats
 * counted by the same step; a batch is one pipelined round trip (one slot on a cluster: a
 * tenant's keys share it). Not part of the module: a tool builds it on its own connection.
 */
export class MissionImportRepository {
  private readonly scripts: ImportScripts;
  private readonly finishedTenants: FinishedTenantsRegistry;

  constructor(
    private readonly redis: MissionsRedisClient,
    private readonly keyPrefix: string,
  ) {
    this.scripts = defineScripts<ImportScripts>(redis, { missionsImport: { file: 'import-mission.lua' } });
    this.finishedTenants = new FinishedTenantsRegistry(redis, keyPrefix);
  }

  /** Whether each id names a mission of the tenant already, in the order given. */
  async present(tenantId: string | null, ids: string[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const keys = this.keysFor(tenantId);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(keys.mission(id));
    return (await exec(pipeline)).map((exists) => exists === 1);
  }

  /** Writes each mission unless its id is taken; every mission must belong to `tenantId`. */
  async write(tenantId: string | null, missions: ImportedMission[]): Promise<MissionImportOutcome[]> {
    if (missions.length === 0) return [];
    const keys = this.keysFor(tenantId);
    const pipeline = this.redis.pipeline() as unknown as ImportScripts & { exec: () => Promise<[Error | null, unknown][] | null> };
    const stray = missions.find(({ mission }) => mission.tenantId !== tenantId);
    if (stray) throw new RangeError(`mission ${stray.mission.id} belongs to tenant ${stray.mission.tenantId}, not ${tenantId}`);
    // Registered before any of its missions is finished, as change-status does, so the retention
    // sweeper finds the tenant. Unlike there, a failure stops the batch: the run is re-run anyway.
    if (missions.some(({ mission }) => isTerminal(mission.status))) await this.finishedTenants.register(tenantId);
    for (const { mission, log } of missions) {
      const scriptKeys = [keys.mission(mission.id), keys.all, keys.byStatus(mission.status), keys.stats, keys.log(mission.id), keys.byName];
      if (isTerminal(mission.status)) scriptKeys.push(keys.finishedIn(mission.status));
      const fields = missionToFields(mission);
      void pipeline.missionsImport(
        scriptKeys.length, ...scriptKeys,
        indexMember(mission.createdAt, mission.id), mission.status, String(mission.updatedAt), nameIndexMember(mission.name, mission.id),
        mission.id, String(fields.length / 2), ...fields, ...log.map(serializeLogEntry),
      );
    }
    return (await exec(pipeline)).map((written) => (written === 1 ? 'imported' : 'already_present'));
  }

  /** The tenant's stats and index sizes, read in one round trip. */
  async counts(tenantId: string | null): Promise<TenantCounts> {
    const keys = this.keysFor(tenantId);
    const pipeline = this.redis.pipeline().hgetall(keys.stats).zcard(keys.all).zcard(keys.byName);
    for (const status of MISSION_STATUSES) pipeline.zcard(keys.byStatus(status));
    const [stats, all, byName, ...byStatus] = await exec(pipeline);
    return {
      stats: statsFromRecord(stats as RedisRecord),
      indexed: {
        all: all as number,
        byName: byName as number,
        byStatus: Object.fromEntries(MISSION_STATUSES.map((status, i) => [status, byStatus[i]])) as Record<MissionStatus, number>,
      },
    };
  }

  private keysFor(tenantId: string | null): MissionKeys {
    return missionKeys(this.keyPrefix, tenantId);
  }
}

/** A pipeline's replies; the first failed slot fails the whole batch (what ran before it stays written, whole). */
async function exec(pipeline: { exec: () => Promise<[Error | null, unknown][] | null> }): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
