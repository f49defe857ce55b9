import type { MissionRow, MissionStatus } from './api.js';

export interface ListFilter {
  status: MissionStatus | null;
  /** A name prefix (the API's search); the contract does not combine it with `status`. */
  prefix: string;
}

/** Negative when `a` comes first in the list as the API orders it for this filter. */
export function compareRows(filter: ListFilter, a: MissionRow, b: MissionRow): number {
  if (filter.prefix) {
    const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }
  // Newest first, ties by id descending.
  return b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function matches(filter: ListFilter, row: MissionRow): boolean {
  if (filter.prefix) return row.name.toLowerCase().startsWith(filter.prefix.toLowerCase());
  return filter.status === null || row.status === filter.status;
}

/**
 * `rows` with `row` placed where the API would list it, if that place is inside what is loaded
 * (past the last loaded row it comes with a later page instead); unchanged when already there.
 */
export function placeRow(filter: ListFilter, rows: MissionRow[], row: MissionRow, complete: boolean): MissionRow[] {
  if (rows.some((r) => r.id === row.id)) return rows;
  const at = rows.findIndex((r) => compareRows(filter, row, r) < 0);
  if (at < 0) return complete ? [...rows, row] : rows;
  return [...rows.slice(0, at), row, ...rows.slice(at)];
}
