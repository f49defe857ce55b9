import { MISSION_STATUSES } from 'missions';
import type { ImportReport, StatusCounts } from './import-report.js';

/** How many ids of one kind the text lists; `--json` lists them all. */
const LISTED = 10;
const n = (value: number): string => value.toLocaleString('en-US');
const signed = (value: number): string => (value > 0 ? `+${n(value)}` : n(value));
const ids = (list: string[]): string => list.slice(0, LISTED).map((id) => JSON.stringify(id)).join(', ') + (list.length > LISTED ? `, … ${n(list.length - LISTED)} more (--json lists all)` : '');

/** 0: everything is in the target; 2: some records were skipped (listed); 1 (a thrown error) is the caller's. */
export function exitCodeOf(report: ImportReport): number {
  return report.target.skipped.length > 0 ? 2 : 0;
}

function driftLine({ blob, recount, drift }: ImportReport['source']['stats']): string {
  if (!blob || !drift) return 'old stats blob: absent or unreadable (nothing to compare)';
  const fields = [['total', drift.total] as const, ...MISSION_STATUSES.map((s) => [s, drift.by_status[s]] as const)].filter(([, d]) => d !== 0);
  if (fields.length === 0) return 'old stats blob: no drift (it matches the missions)';
  const show = (counts: StatusCounts): string => `total ${n(counts.total)}, ${MISSION_STATUSES.map((s) => `${s} ${n(counts.by_status[s])}`).join(', ')}`;
  return [
    `old stats blob drifted (blob − recount): ${fields.map(([field, d]) => `${field} ${signed(d)}`).join(', ')}`,
    `    blob:    ${show(blob)}`,
    `    recount: ${show(recount)}`,
    "    (not copied: the target's stats are counted from the missions themselves)",
  ].join('\n');
}

/** The summary a person reads at the end of `npm run import:seed`. */
export function formatReport(report: ImportReport): string {
  const { source, target } = report;
  const would = report.dryRun ? 'would be ' : '';
  const tenant = target.tenantId === null ? 'the null tenant' : `tenant ${JSON.stringify(target.tenantId)}`;
  const seconds = report.elapsedMs / 1000;
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written): ' : ''}import of ${JSON.stringify(source.prefix)} into ${tenant} (key prefix ${JSON.stringify(target.keyPrefix)}): `
      + `${n(source.missions)} source missions in ${seconds.toFixed(1)} s (${n(Math.round(source.missions / Math.max(seconds, 0.001)))} missions/s)`,
    `  ${`${would}imported:`.padEnd(19)} ${n(target.imported)}`,
    `  ${'already present:'.padEnd(19)} ${n(target.alreadyPresent)} (left as they are)`,
    `  ${'skipped:'.padEnd(19)} ${n(target.skipped.length)}`,
  ];
  const reasons = new Map<string, typeof target.skipped>();
  for (const skip of target.skipped) reasons.set(skip.reason, [...(reasons.get(skip.reason) ?? []), skip]);
  for (const [reason, skips] of reasons) {
    lines.push(`    ${reason} (${n(skips.length)}): ${skips.slice(0, LISTED).map((s) => `${JSON.stringify(s.id)} (${s.detail})`).join(', ')}${skips.length > LISTED ? `, … ${n(skips.length - LISTED)} more (--json lists all)` : ''}`);
  }
  if (target.interrupted.length > 0) lines.push(`  RUNNING → FAILED (no job came along): ${n(target.interrupted.length)}: ${ids(target.interrupted)}`);
  const levels = Object.entries(target.levelChanges);
  if (levels.length > 0) lines.push(`  log levels mapped: ${levels.map(([change, count]) => `${change} ×${n(count)}`).join(', ')}`);
  if (target.repairedLogEntries > 0) lines.push(`  log entries repaired (unreadable, bad timestamp, message or data; originals kept in data): ${n(target.repairedLogEntries)}`);
  if (source.notInIndex > 0) lines.push(`  missions missing from the old index (imported all the same): ${n(source.notInIndex)}`);
  if (source.danglingIndexIds.length > 0) lines.push(`  old index ids without a mission (nothing to import): ${n(source.danglingIndexIds.length)}: ${ids(source.danglingIndexIds)}`);
  lines.push(`  ${driftLine(source.stats)}`);
  if (target.counts) {
    const agree = target.countsAgree ? 'yes' : 'NO';
    lines.push(`  target tenant now: ${n(target.counts.stats.total)} missions; its stats agree with its indexes: ${agree}`);
  }
  return lines.join('\n');
}
