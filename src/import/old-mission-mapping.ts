import { isMissionStatus, MISSION_ID_PATTERN, RESERVED_MISSION_IDS, type JsonObject, type Mission, type MissionLogEntry } from 'missions';

/** Why a record of the old keyspace was not imported. */
export type SkipReason = 'unreadable_json' | 'id_refused' | 'id_mismatch' | 'missing_field' | 'invalid_field';

export interface SkippedMission {
  id: string;
  reason: SkipReason;
  detail: string;
}

/** Who the imported missions say created them: the old service had no principals. */
export const IMPORTED_CREATED_BY = 'old-service';

/** Where the missions go and when the import runs (the time a RUNNING mission is failed at). */
export interface ImportTarget {
  tenantId: string | null;
  nowMs: number;
}

export type MissionMapping =
  | { kind: 'mission'; mission: Mission; interrupted: boolean }
  | ({ kind: 'skipped' } & SkippedMission);

/** Why the new rules refuse `id` (what `POST /` would answer 400 for), or null when they take it. */
export function idRefusal(id: string): string | null {
  if (!MISSION_ID_PATTERN.test(id)) return `does not match ${MISSION_ID_PATTERN.source}`;
  if ((RESERVED_MISSION_IDS as readonly string[]).includes(id.toLowerCase())) return 'is a reserved word';
  return null;
}

/** Old timestamps are float epoch seconds (microseconds); the store keeps integer ms. */
const toMs = (seconds: number): number => Math.round(seconds * 1000);
const validMs = (ms: number): boolean => Number.isSafeInteger(ms) && ms >= 0 && ms < 1e15;

/**
 * The mission an old record (`<prefix>mission:<id>`, parsed; null when unreadable) becomes in
 * `target`, or why it is skipped. `id` is the key's. A RUNNING mission has no job behind it any
 * more, so it becomes FAILED at `target.nowMs` (see {@link interruptionEntries}).
 */
export function mapOldMission(id: string, record: JsonObject | null, target: ImportTarget): MissionMapping {
  const skip = (reason: SkipReason, detail: string): MissionMapping => ({ kind: 'skipped', id, reason, detail });
  if (record === null) return skip('unreadable_json', 'the mission is not a JSON object');
  const refusal = idRefusal(id);
  if (refusal) return skip('id_refused', `the id ${refusal}`);
  if (record.id !== undefined && record.id !== id) return skip('id_mismatch', `the record's id is ${JSON.stringify(record.id)}`);

  const { name, description, data, status, created_at: created, updated_at: updated } = record;
  for (const [field, value] of [['name', name], ['status', status], ['created_at', created]] as const) {
    if (value == null) return skip('missing_field', `${field} is missing`);
  }
  if (typeof name !== 'string') return skip('invalid_field', 'name is not a string');
  if (description != null && typeof description !== 'string') return skip('invalid_field', 'description is not a string or null');
  if (data != null && (typeof data !== 'object' || Array.isArray(data))) return skip('invalid_field', 'data is not a JSON object');
  if (!isMissionStatus(status)) return skip('invalid_field', `status ${JSON.stringify(status)} is not one of the five`);
  const createdAt = typeof created === 'number' ? toMs(created) : NaN;
  if (!validMs(createdAt)) return skip('invalid_field', 'created_at is not epoch seconds');
  const updatedAt = updated == null ? createdAt : typeof updated === 'number' ? toMs(updated) : NaN;
  if (!validMs(updatedAt)) return skip('invalid_field', 'updated_at is not epoch seconds');

  const interrupted = status === 'RUNNING';
  const mission: Mission = {
    id,
    name,
    description: description ?? null,
    data: (data ?? {}) as JsonObject,
    status: interrupted ? 'FAILED' : status,
    createdAt,
    updatedAt: interrupted ? Math.max(target.nowMs, updatedAt) : updatedAt,
    tenantId: target.tenantId,
    createdBy: IMPORTED_CREATED_BY,
    // An interrupted mission changed once more, here: RUNNING → FAILED.
    version: interrupted ? 2 : 1,
  };
  return { kind: 'mission', mission, interrupted };
}

/** The entries that end the log of a mission that was RUNNING: why it failed, then the change, as the runner writes them. */
export function interruptionEntries(atMs: number): MissionLogEntry[] {
  const timestamp = atMs / 1000;
  return [
    {
      timestamp,
      level: 'error',
      message: 'Mission interrupted by migration: it was RUNNING in the old service, whose job did not come along',
      data: { previous_status: 'RUNNING' },
    },
    { timestamp, level: 'info', message: 'Mission status changed', data: { from: 'RUNNING', to: 'FAILED' } },
  ];
}
