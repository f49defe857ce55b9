import { MISSION_STATUSES, isMissionStatus, type JsonObject, type MissionStatus, type TenantCounts } from 'missions';
import type { LogMapping } from './old-log-mapping.js';
import type { SkippedMission } from './old-mission-mapping.js';

/** Counters in the old stats blob's shape. */
export interface StatusCounts {
  total: number;
  by_status: Record<MissionStatus, number>;
}

/** What an import did, or would do (`dryRun`): the final summary, printed or as JSON. */
export interface ImportReport {
  dryRun: boolean;
  source: {
    prefix: string;
    /** Mission keys found (each counted once). */
    missions: number;
    /** Of those, the ones the old index did not name (imported all the same). */
    notInIndex: number;
    /** Ids the old index names whose mission key is gone: nothing to import. */
    danglingIndexIds: string[];
    /** The old stats blob as stored (null when absent or unreadable), its recount from the missions, and blob − recount. */
    stats: { blob: StatusCounts | null; recount: StatusCounts; drift: StatusCounts | null };
  };
  target: {
    keyPrefix: string;
    tenantId: string | null;
    imported: number;
    alreadyPresent: number;
    skipped: SkippedMission[];
    /** Missions that were RUNNING and are now FAILED. */
    interrupted: string[];
    /** `"<old level>→<new level>"` → log entries. */
    levelChanges: Record<string, number>;
    repairedLogEntries: number;
    /** The tenant after the import, and whether its stats equal its index counts. */
    counts: TenantCounts | null;
    countsAgree: boolean | null;
  };
  elapsedMs: number;
}

const zeroCounts = (): StatusCounts => ({ total: 0, by_status: Object.fromEntries(MISSION_STATUSES.map((s) => [s, 0])) as Record<MissionStatus, number> });

/** The old blob (`{"total": n, "by_status": {…}, "last_updated": …}`) as counts, or null when it is not that. */
export function parseStatsBlob(json: string | null): StatusCounts | null {
  let blob: JsonObject;
  try {
    blob = JSON.parse(json ?? 'null') as JsonObject;
  } catch {
    return null;
  }
  if (typeof blob !== 'object' || blob === null || typeof blob.total !== 'number') return null;
  const byStatus = (blob.by_status ?? {}) as JsonObject;
  const counts = zeroCounts();
  counts.total = blob.total;
  for (const status of MISSION_STATUSES) counts.by_status[status] = typeof byStatus[status] === 'number' ? byStatus[status] : 0;
  return counts;
}

/** blob − recount, field by field: how far the old counters drifted from the missions that exist. */
export function statsDrift(blob: StatusCounts, recount: StatusCounts): StatusCounts {
  const drift = zeroCounts();
  drift.total = blob.total - recount.total;
  for (const status of MISSION_STATUSES) drift.by_status[status] = blob.by_status[status] - recount.by_status[status];
  return drift;
}

export function countsAgree(counts: TenantCounts): boolean {
  const { stats, indexed } = counts;
  return stats.total === indexed.all && MISSION_STATUSES.every((status) => stats.byStatus[status] === indexed.byStatus[status]);
}

/** Collects what the batches of one run find; {@link ImportTally.report} shapes the summary. */
export class ImportTally {
  readonly recount = zeroCounts();
  notInIndex = 0;
  imported = 0;
  alreadyPresent = 0;
  repairedLogEntries = 0;
  readonly skipped: SkippedMission[] = [];
  readonly interrupted: string[] = [];
  readonly levelChanges = new Map<string, number>();

  /** One source mission, as it stands in the old keyspace (`status` of its record, if readable). */
  source(status: unknown, inIndex: boolean): void {
    this.recount.total += 1;
    if (isMissionStatus(status)) this.recount.by_status[status] += 1;
    if (!inIndex) this.notInIndex += 1;
  }

  log(mapping: LogMapping): void {
    this.repairedLogEntries += mapping.repaired;
    for (const [change, n] of mapping.levelChanges) this.levelChanges.set(change, (this.levelChanges.get(change) ?? 0) + n);
  }

  report(fixed: {
    dryRun: boolean; sourcePrefix: string; statsBlob: string | null; danglingIndexIds: string[];
    keyPrefix: string; tenantId: string | null; counts: TenantCounts | null; elapsedMs: number;
  }): ImportReport {
    const blob = parseStatsBlob(fixed.statsBlob);
    return {
      dryRun: fixed.dryRun,
      source: {
        prefix: fixed.sourcePrefix,
        missions: this.recount.total,
        notInIndex: this.notInIndex,
        danglingIndexIds: fixed.danglingIndexIds,
        stats: { blob, recount: this.recount, drift: blob && statsDrift(blob, this.recount) },
      },
      target: {
        keyPrefix: fixed.keyPrefix,
        tenantId: fixed.tenantId,
        imported: this.imported,
        alreadyPresent: this.alreadyPresent,
        skipped: this.skipped,
        interrupted: this.interrupted,
        levelChanges: Object.fromEntries(this.levelChanges),
        repairedLogEntries: this.repairedLogEntries,
        counts: fixed.counts,
        countsAgree: fixed.counts && countsAgree(fixed.counts),
      },
      elapsedMs: fixed.elapsedMs,
    };
  }
}
