/** The old Python service's default key prefix. */
export const OLD_DEFAULT_PREFIX = 'brain:missions:';

/** The old service's keys under its prefix, exactly as it wrote them (see README, "Migrating from the old service"). */
export interface OldKeyspace {
  /** A string: the mission as Pydantic JSON. */
  mission(id: string): string;
  /** SCAN MATCH pattern of every mission key. */
  readonly missionPattern: string;
  /** The id a mission key was written for. */
  idOf(missionKey: string): string;
  /** A set of mission ids; it may name ids whose mission key is gone. */
  readonly index: string;
  /** A list of JSON log entries, oldest first. */
  log(id: string): string;
  /** A JSON blob of counters, kept by read-modify-write, hence drifting. */
  readonly stats: string;
}

// A prefix is taken literally: glob characters in it must not widen the SCAN.
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

export function oldKeyspace(prefix: string): OldKeyspace {
  const missionBase = `${prefix}mission:`;
  return {
    mission: (id) => `${missionBase}${id}`,
    missionPattern: `${escapeGlob(missionBase)}*`,
    idOf: (key) => key.slice(missionBase.length),
    index: `${prefix}index`,
    log: (id) => `${prefix}log:${id}`,
    stats: `${prefix}stats`,
  };
}
