import { LOG_LEVELS, type JsonObject, type LogLevel, type MissionLogEntry } from 'missions';

/** Levels the old service's clients wrote, by their lower-cased, trimmed spelling. */
const LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = {
  ...Object.fromEntries(LOG_LEVELS.map((level) => [level, level])),
  warn: 'warning',
  trace: 'debug',
  verbose: 'debug',
  notice: 'info',
  err: 'error',
  critical: 'error',
  crit: 'error',
  fatal: 'error',
  exception: 'error',
  alert: 'error',
  emergency: 'error',
  emerg: 'error',
};

/** One of the four levels for any `level` an old entry carried; unknown or missing: `info`. */
export function mapLogLevel(level: unknown): LogLevel {
  return (typeof level === 'string' && LEVEL_ALIASES[level.trim().toLowerCase()]) || 'info';
}

/** What mapping a whole log did, for the report. */
export interface LogMapping {
  entries: MissionLogEntry[];
  /** `"<old level>→<new level>"` → entries, for every level that was not already one of the four. */
  levelChanges: Map<string, number>;
  /** Entries whose JSON, timestamp, message or data had to be repaired. */
  repaired: number;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTimestamp = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * Maps an old log, oldest first, entry by entry and never dropping one, so the log keeps its
 * length and order. What the old entry had that the new one cannot hold goes into its `data`:
 * an unknown level as `original_level`, a bad timestamp as `original_timestamp` (the entry
 * then takes the previous entry's time, or `startSeconds`), an unreadable entry as `raw`.
 */
export function mapOldLog(jsons: string[], startSeconds: number): LogMapping {
  const mapping: LogMapping = { entries: [], levelChanges: new Map(), repaired: 0 };
  let previous = startSeconds;
  for (const json of jsons) {
    const old = parseObject(json);
    if (old === null) {
      mapping.entries.push({ timestamp: previous, level: 'info', message: 'Unreadable log entry kept by the import', data: { raw: json } });
      mapping.repaired += 1;
      continue;
    }
    const entry = mapEntry(old, previous);
    if (entry.repaired) mapping.repaired += 1;
    if (entry.levelChange) mapping.levelChanges.set(entry.levelChange, (mapping.levelChanges.get(entry.levelChange) ?? 0) + 1);
    mapping.entries.push(entry.entry);
    previous = entry.entry.timestamp;
  }
  return mapping;
}

function mapEntry(old: JsonObject, previous: number): { entry: MissionLogEntry; levelChange?: string; repaired: boolean } {
  const data: JsonObject = isObject(old.data) ? { ...old.data } : old.data == null ? {} : { value: old.data };
  const message = typeof old.message === 'string' ? old.message : old.message == null ? '' : JSON.stringify(old.message);
  const level = mapLogLevel(old.level);
  const keptLevel = (LOG_LEVELS as readonly unknown[]).includes(old.level);
  if (!keptLevel && old.level !== undefined) keep(data, 'original_level', old.level);
  const timestamp = isTimestamp(old.timestamp) ? old.timestamp : previous;
  if (old.timestamp !== timestamp && old.timestamp !== undefined) keep(data, 'original_timestamp', old.timestamp);
  const repaired = timestamp !== old.timestamp || typeof old.message !== 'string' || !(isObject(old.data) || old.data === undefined);
  return {
    entry: { timestamp, level, message, data },
    levelChange: keptLevel ? undefined : `${old.level === undefined ? '(none)' : JSON.stringify(old.level)}→${level}`,
    repaired,
  };
}

// The old data wins over what the import adds: nothing the client wrote is overwritten.
function keep(data: JsonObject, key: string, value: unknown): void {
  if (!(key in data)) data[key] = value;
}

/** The JSON object `json` holds, or null when it is not JSON or not an object. */
export function parseObject(json: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(json);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}
