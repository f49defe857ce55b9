import { createHash } from 'node:crypto';
import type { MissionStatus } from '../domain/mission.types.js';

/** Every Redis key of one tenant. All of them share the tenant's hash tag, hence one cluster slot. */
export interface MissionKeys {
  /** The `{...}` hash tag itself, e.g. `{n}` or `{t.acme}`. */
  readonly tag: string;
  mission(id: string): string;
  readonly all: string;
  byStatus(status: MissionStatus): string;
  readonly stats: string;
  log(id: string): string;
  idempotency(idempotencyKey: string): string;
  readonly events: string;
  /** Name search index: scores all 0, members {@link nameIndexMember}, so they sort by bytes. */
  readonly byName: string;
  /** Retention index of a terminal status: member = mission id, score = when it got there (epoch ms). */
  finishedIn(status: MissionStatus): string;
  /** RUNNING missions, scored by when to check them for a job or a live owner (change-status.lua). */
  readonly dispatch: string;
}

/**
 * The null tenant is `n`; a named one is `t.` + its URI-encoding, so `{`, `}` and `:` in a
 * tenant id can neither end the tag early nor collide with the null tenant or another id.
 * encodeURIComponent throws on a lone surrogate: such a tenant fails closed instead of
 * sharing keys with the tenant whose id holds U+FFFD.
 */
export function tenantTag(tenantId: string | null): string {
  return tenantId === null ? 'n' : `t.${encodeURIComponent(tenantId)}`;
}

export function missionKeys(prefix: string, tenantId: string | null): MissionKeys {
  const base = `${prefix}{${tenantTag(tenantId)}}:`;
  return {
    tag: `{${tenantTag(tenantId)}}`,
    mission: (id) => `${base}m:${id}`,
    all: `${base}ix:all`,
    byStatus: (status) => `${base}ix:s:${status}`,
    stats: `${base}stats`,
    log: (id) => `${base}log:${id}`,
    // Hashed so a client-chosen key of any content and length becomes a fixed-size key name.
    idempotency: (key) => `${base}idem:${createHash('sha256').update(key, 'utf8').digest('hex')}`,
    events: `${base}events`,
    byName: `${base}ix:name`,
    finishedIn: (status) => `${base}ix:f:${status}`,
    dispatch: `${base}dispatch`,
  };
}

/**
 * The tenants that have (or had) finished missions, as a sorted set: member = tenant tag,
 * score = when the retention sweeper should next look at the tenant (epoch ms). It lives in a
 * slot of its own (`{retention}` can never be a tenant's tag), so nothing writes it together
 * with a tenant's keys: on a cluster no script spans two slots.
 */
export const retentionTenantsKey = (prefix: string): string => `${prefix}{retention}:tenants`;

/**
 * The member of a mission in the name index: the JavaScript lower case of its name, NUL, its
 * id. Lower-cased here, not in Lua, whose string.lower knows ASCII only; every writer of the
 * index (the scripts' callers, the import tool) must build members with this function.
 */
export function nameIndexMember(name: string, id: string): string {
  return `${name.toLowerCase()}\u0000${id}`;
}

/** The id of a name index member: ids never hold NUL, names may, so the last NUL is the separator. */
export const missionIdOfNameMember = (member: string): string => member.slice(member.lastIndexOf('\u0000') + 1);

/** Epoch ms up to 999999999999999 (year ~33658) fit the fixed width that makes lex order numeric. */
const CREATED_MS_WIDTH = 15;

/**
 * The member of a mission in the listing indexes. All scores are 0, so members sort by bytes:
 * by creation time, then by id. change-status.lua pads the same way; keep them in step.
 */
export function indexMember(createdMs: number, id: string): string {
  if (!Number.isSafeInteger(createdMs) || createdMs < 0 || createdMs >= 10 ** CREATED_MS_WIDTH) {
    throw new RangeError(`createdAt must be an integer epoch ms in [0, 1e15), got ${String(createdMs)}`);
  }
  return `${String(createdMs).padStart(CREATED_MS_WIDTH, '0')}:${id}`;
}

const MISSION_ID = '[A-Za-z0-9][A-Za-z0-9._:-]{0,127}';

export const INDEX_MEMBER_PATTERN = new RegExp(`^\\d{15}:${MISSION_ID}$`);

/** Any name (NUL included), NUL, an id: what {@link nameIndexMember} builds. */
export const NAME_MEMBER_PATTERN = new RegExp(`^[^]*\\u0000${MISSION_ID}$`);
