import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import type { MissionRef } from '../domain/mission-commands.js';
import type { MissionEventEnvelope } from '../domain/mission-events.js';
import { INDEX_MEMBER_PATTERN, NAME_MEMBER_PATTERN } from './mission-keys.js';
import { MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStats, type MissionStatus } from '../domain/mission.types.js';

/**
 * How missions, log entries, stats and cursors look in Redis. User data is serialized here,
 * once, and the scripts store those strings untouched: Lua's cjson would round numbers to 14
 * digits and turn `[]` into `{}`.
 */
export type RedisRecord = Record<string, string>;

/**
 * Redis keeps a hash compact (a listpack, ~2× smaller than a hashtable) only while every value
 * is at most `hash-max-listpack-value` bytes: 64 by default. So `data` and `description`, which
 * the scripts never read, are stored in pieces of at most 64 bytes: `data`, `data~1`, `data~2`…
 * A value past MAX_PIECES pieces would outgrow `hash-max-listpack-entries` (128) anyway and is
 * stored whole. Readers join whatever pieces there are, so both forms read alike.
 */
const PIECE_BYTES = 64;
const MAX_PIECES = 24;
const pieceField = (field: string, i: number): string => (i === 0 ? field : `${field}~${i}`);
const utf8Bytes = (codePoint: number): number => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** Pieces of at most PIECE_BYTES UTF-8 bytes, cut between code points (never inside a surrogate pair). */
export function splitForListpack(value: string): string[] {
  if (value.length * 3 <= PIECE_BYTES) return [value];
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes <= PIECE_BYTES || bytes > PIECE_BYTES * MAX_PIECES) return [value];
  const pieces: string[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < value.length; ) {
    const codePoint = value.codePointAt(i)!;
    const n = utf8Bytes(codePoint);
    if (size + n > PIECE_BYTES) {
      pieces.push(value.slice(start, i));
      start = i;
      size = 0;
    }
    size += n;
    i += codePoint > 0xffff ? 2 : 1;
  }
  pieces.push(value.slice(start));
  return pieces;
}

function pushPieces(fields: string[], field: string, value: string): void {
  splitForListpack(value).forEach((piece, i) => fields.push(pieceField(field, i), piece));
}

function joinPieces(record: RedisRecord, field: string): string | undefined {
  let value = record[field];
  if (value === undefined) return undefined;
  for (let i = 1; record[pieceField(field, i)] !== undefined; i++) value += record[pieceField(field, i)];
  return value;
}

/**
 * The mission hash as flat field/value pairs; null fields are left out rather than stored empty.
 * The id and the tenant are not stored: the hash's key holds both, and leaving them out (one
 * allocator size class, 64 B) brought a mission with its three index entries from 2.64× to 2.50×
 * its JSON (BENCHMARKS.md).
 * Hashes written with them (before, or by an older import) read alike: the fields are ignored.
 */
export function missionToFields(mission: Mission): string[] {
  const fields = [
    'name', mission.name,
    'status', mission.status,
    'created_ms', String(mission.createdAt),
    'updated_ms', String(mission.updatedAt),
    'created_by', mission.createdBy,
    'version', String(mission.version),
  ];
  pushPieces(fields, 'data', JSON.stringify(mission.data));
  if (mission.description !== null) pushPieces(fields, 'description', mission.description);
  return fields;
}

/**
 * The field of a mission hash that says its log starts with the "Mission created" entry, not
 * stored in the log list but derived from the hash ({@link createdLogEntry}): a mission that
 * never logs anything else then needs no list key at all (a quicklist of ~420 bytes on Redis
 * 7.0). Missions written without it (before, or by an import) keep that entry in the list.
 */
export const CREATED_LOG_FIELDS = ['log_head', 'created'] as const;

/** The contract's first log entry of every mission, as create writes it. */
export function createdLogEntry(mission: Mission): MissionLogEntry {
  return { timestamp: mission.createdAt / 1000, level: 'info', message: 'Mission created', data: { name: mission.name, description: mission.description } };
}

export const startsWithCreatedEntry = (record: RedisRecord): boolean => record[CREATED_LOG_FIELDS[0]] === CREATED_LOG_FIELDS[1];

/**
 * null for the empty record HGETALL answers for a missing key (every mission hash has a status).
 * `ref` is the hash's key: its tenant and id.
 */
export function missionFromRecord(record: RedisRecord, ref: MissionRef): Mission | null {
  if (record.status === undefined) return null;
  return {
    id: ref.missionId,
    name: record.name,
    description: joinPieces(record, 'description') ?? null,
    data: JSON.parse(joinPieces(record, 'data')!) as Mission['data'],
    status: record.status as MissionStatus,
    createdAt: Number(record.created_ms),
    updatedAt: Number(record.updated_ms),
    tenantId: ref.tenantId,
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
