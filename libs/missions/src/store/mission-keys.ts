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
  /** RUNNING missions, scored by when to check them for a job or a live owner (change-status.lua). */
  readonly dispatch: string;
  /** Name search index: scores all 0, members {@link nameIndexMember}, so they sort by bytes. */
  readonly byName: string;
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
    dispatch: `${base}dispatch`,
    byName: `${base}ix:name`,
  };
}

/**
 * The member of a mission in the name index: the JavaScript lower case of its name, NUL, its
 * id. Lower-cased here, not in Lua, whose string.lower knows ASCII only; every writer of the
 * index (the scripts' callers, the import tool) must build members with this function.
 */
export function nameIndexMember(name: string, id: string): string {
  return `${name.toLowerCase()}\u0000${id}`;
}

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

export const INDEX_MEMBER_PATTERN = /^\d{15}:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
