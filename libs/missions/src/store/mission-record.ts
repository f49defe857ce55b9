import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import type { MissionEventEnvelope } from '../domain/mission-events.js';
import { INDEX_MEMBER_PATTERN, NAME_MEMBER_PATTERN } from './mission-keys.js';
import { MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStats, type MissionStatus } from '../domain/mission.types.js';

/**
 * How missions, log entries, stats and cursors look in Redis. User data is serialized here,
 * once, and the scripts store those strings untouched: Lua's cjson would round numbers to 14
 * digits and turn `[]` into `{}`.
 */
export type RedisRecord = Record<string, string>;

/** The mission hash as flat field/value pairs; null fields are left out rather than stored empty. */
export function missionToFields(mission: Mission): string[] {
  const fields = [
    'id', mission.id,
    'name', mission.name,
    'data', JSON.stringify(mission.data),
    'status', mission.status,
    'created_ms', String(mission.createdAt),
    'updated_ms', String(mission.updatedAt),
    'created_by', mission.createdBy,
    'version', String(mission.version),
  ];
  if (mission.description !== null) fields.push('description', mission.description);
  if (mission.tenantId !== null) fields.push('tenant_id', mission.tenantId);
  return fields;
}

/** null for the empty record HGETALL answers for a missing key. */
export function missionFromRecord(record: RedisRecord): Mission | null {
  if (record.id === undefined) return null;
  return {
    id: record.id,
    name: record.name,
    description: record.description ?? null,
    data: JSON.parse(record.data) as Mission['data'],
    status: record.status as MissionStatus,
    createdAt: Number(record.created_ms),
    updatedAt: Number(record.updated_ms),
    tenantId: record.tenant_id ?? null,
    createdBy: record.created_by,
    version: Number(record.version),
  };
}

/** A script's HGETALL reply is a flat array, unlike the client's parsed one. */
export function recordFromFlat(flat: string[]): RedisRecord {
  const record: RedisRecord = {};
  for (let i = 0; i < flat.length; i += 2) record[flat[i]] = flat[i + 1];
  return record;
}

/** The contract's shape, so the stored list reads the same as the old service's. */
export function serializeLogEntry(entry: MissionLogEntry): string {
  const { timestamp, level, message, data } = entry;
  return JSON.stringify({ timestamp, level, message, data });
}

export function parseLogEntry(json: string): MissionLogEntry {
  const { timestamp, level, message, data } = JSON.parse(json) as MissionLogEntry;
  return { timestamp, level, message, data };
}

/** The scripts' stream arguments: `type, envelope JSON` per event, in write order. */
export function eventArgs(events: MissionEventEnvelope[]): string[] {
  return events.flatMap((event) => [event.type, JSON.stringify(event)]);
}

interface IdempotencyRecord {
  fingerprint: string;
  mission: Mission;
}

export function serializeIdempotencyRecord(fingerprint: string, mission: Mission): string {
  return JSON.stringify({ fingerprint, mission } satisfies IdempotencyRecord);
}

export function parseIdempotencyRecord(json: string): IdempotencyRecord {
  return JSON.parse(json) as IdempotencyRecord;
}

export function statsFromRecord(record: RedisRecord): MissionStats {
  const count = (field: string): number => Number(record[field] ?? 0);
  const byStatus = Object.fromEntries(MISSION_STATUSES.map((status) => [status, count(status)]));
  return {
    total: count('total'),
    byStatus: byStatus as Record<MissionStatus, number>,
    lastUpdated: record.last_updated_ms === undefined ? null : Number(record.last_updated_ms),
  };
}

export function encodeCursor(member: string): string {
  return Buffer.from(member, 'utf8').toString('base64url');
}

/**
 * The cursor becomes a ZRANGE bound, so anything but a member this service could have issued
 * is refused: Buffer's decoder skips junk silently, hence the re-encoding check.
 */
export function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(cursor)) throw new InvalidCursorError();
  const member = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!INDEX_MEMBER_PATTERN.test(member) || encodeCursor(member) !== cursor) throw new InvalidCursorError();
  return member;
}

/**
 * A name search cursor: `n.` and the base64url of the last member shown. The dot is outside
 * base64url's alphabet, so the listing refuses a search cursor and the search a listing one.
 */
export function encodeNameCursor(member: string): string {
  return `n.${encodeCursor(member)}`;
}

/**
 * The member after which the next page starts. It must start with `lowerPrefix`: a cursor of
 * another search would otherwise open a range over names that do not match.
 */
export function decodeNameCursor(cursor: string, lowerPrefix: string): string {
  const encoded = cursor.startsWith('n.') ? cursor.slice(2) : '';
  // A lower-cased name of 200 UTF-16 units is at most 600 UTF-8 bytes: with NUL and an id, < 1000 characters.
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(encoded)) throw new InvalidCursorError();
  const member = Buffer.from(encoded, 'base64url').toString('utf8');
  const valid = NAME_MEMBER_PATTERN.test(member) && member.startsWith(lowerPrefix) && encodeCursor(member) === encoded;
  if (!valid) throw new InvalidCursorError();
  return member;
}

export const missionIdOfMember = (member: string): string => member.slice(member.indexOf(':') + 1);
