import { MISSION_STATUSES, type MissionStatus } from './mission.types.js';

/** The legal lifecycle moves; anything not listed is a 409. Terminal states allow nothing. */
const TRANSITIONS: Readonly<Record<MissionStatus, readonly MissionStatus[]>> = {
  PENDING: ['RUNNING', 'CANCELLED'],
  RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export function transitionAllowed(from: MissionStatus, to: MissionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The statuses a mission may be in for a move to `to` to be legal. The atomic write
 * checks the stored status against this list inside Redis, so Node never decides on a
 * status it read earlier.
 */
export function allowedSources(to: MissionStatus): MissionStatus[] {
  return MISSION_STATUSES.filter((from) => transitionAllowed(from, to));
}

export function isTerminal(status: MissionStatus): boolean {
  return TRANSITIONS[status].length === 0;
}
