import type { ImportedMission, MissionImportRepository } from 'missions';
import { ImportTally, type ImportReport } from './import-report.js';
import type { OldKeyspaceReader } from './old-keyspace.reader.js';
import { mapOldLog, parseObject } from './old-log-mapping.js';
import { idRefusal, interruptionEntries, mapOldMission, type ImportTarget } from './old-mission-mapping.js';

export interface ImportSettings {
  sourcePrefix: string;
  tenantId: string | null;
  /** Reads, maps and checks everything, writes nothing. */
  dryRun: boolean;
  /** Missions per batch: one pipelined read of the source, one pipelined write of the target. */
  batchSize: number;
  /** The target's key prefix, for the report. */
  keyPrefix: string;
}

/** Batches in flight at once: while one waits on the source, another waits on the target. */
const PARALLEL_BATCHES = 4;
const MAX_LISTED_DANGLING = 10_000;

/**
 * Copies every mission of the old keyspace into one tenant, batch by batch. A mission already
 * in the tenant is not read past its record (a re-run costs little) and never written again.
 * `onProgress(done, estimatedTotal)` follows each batch.
 */
export async function importOldMissions(
  source: OldKeyspaceReader,
  target: MissionImportRepository,
  settings: ImportSettings,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<ImportReport> {
  const started = Date.now();
  const tally = new ImportTally();
  const [indexSize, statsBlob] = await Promise.all([source.indexSize(), source.statsBlob()]);
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for await (const scanned of source.missionIds(settings.batchSize)) {
    if (failure) break;
    const ids = scanned.filter((id) => !seen.has(id));
    for (const id of ids) seen.add(id);
    const batch = importBatch(source, target, settings, tally, ids)
      .then(() => onProgress(tally.recount.total, Math.max(indexSize, seen.size)))
      .catch((error: unknown) => { failure ??= error; })
      .finally(() => inFlight.delete(batch));
    inFlight.add(batch);
    if (inFlight.size >= PARALLEL_BATCHES) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;

  const danglingIndexIds: string[] = [];
  for await (const ids of source.indexIds(settings.batchSize)) {
    for (const id of ids) if (!seen.has(id) && danglingIndexIds.length < MAX_LISTED_DANGLING) danglingIndexIds.push(id);
  }
  const counts = await target.counts(settings.tenantId);
  return tally.report({ ...settings, statsBlob, danglingIndexIds, counts, elapsedMs: Date.now() - started });
}

async function importBatch(
  source: OldKeyspaceReader,
  target: MissionImportRepository,
  settings: ImportSettings,
  tally: ImportTally,
  ids: string[],
): Promise<void> {
  const acceptable = ids.filter((id) => idRefusal(id) === null);
  const [{ jsons, inIndex }, presentFlags] = await Promise.all([source.readMissions(ids), target.present(settings.tenantId, acceptable)]);
  const present = new Set(acceptable.filter((_, i) => presentFlags[i]));
  const where: ImportTarget = { tenantId: settings.tenantId, nowMs: Date.now() };
  const mapped: { mission: ImportedMission['mission']; interrupted: boolean }[] = [];
  ids.forEach((id, i) => {
    const json = jsons[i];
    if (json === null) return; // deleted since the SCAN saw it
    const record = parseObject(json);
    tally.source(record?.status, inIndex[i]);
    if (present.has(id)) {
      tally.alreadyPresent += 1;
      return;
    }
    const mapping = mapOldMission(id, record, where);
    if (mapping.kind === 'skipped') tally.skipped.push({ id, reason: mapping.reason, detail: mapping.detail });
    else mapped.push(mapping);
  });

  const logs = await source.readLogs(mapped.map(({ mission }) => mission.id));
  const missions: ImportedMission[] = mapped.map(({ mission, interrupted }, i) => {
    const log = mapOldLog(logs[i], mission.createdAt / 1000);
    tally.log(log);
    return { mission, log: interrupted ? [...log.entries, ...interruptionEntries(mission.updatedAt)] : log.entries };
  });
  const outcomes = settings.dryRun ? missions.map(() => 'imported' as const) : await target.write(settings.tenantId, missions);
  outcomes.forEach((outcome, i) => {
    if (outcome === 'already_present') {
      tally.alreadyPresent += 1;
      return;
    }
    tally.imported += 1;
    if (mapped[i].interrupted) tally.interrupted.push(mapped[i].mission.id);
  });
}
