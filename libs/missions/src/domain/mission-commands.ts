import type { MissionEventEnvelope } from './mission-events.js';
import type { Mission, MissionLogEntry, MissionStatus } from './mission.types.js';

/**
 * The write commands the repository applies atomically, and what they answer. Events are
 * built in Node before the write and handed in, so the same envelopes go to the durable
 * stream (inside the write) and to the in-process emitter (after it).
 */
/** Where a mission lives: its tenant and its id (ids are unique per tenant only). */
export interface MissionRef {
  tenantId: string | null;
  missionId: string;
}

/** What a caller gives to create a mission; validated at the edge (the HTTP DTO, or the host's own code). */
export interface CreateMissionInput {
  id?: string;
  name: string;
  description?: string | null;
  data?: Record<string, unknown>;
}

export interface CreateMissionCommand {
  mission: Mission;
  log: MissionLogEntry;
  events: MissionEventEnvelope[];
  idempotency?: { key: string; fingerprint: string; ttlSeconds: number };
}

export type CreateMissionResult =
  | { kind: 'created'; mission: Mission }
  | { kind: 'replayed'; mission: Mission }
  | { kind: 'id_taken' }
  | { kind: 'idempotency_mismatch' };

/** What to write if the mission turns out to be in status `from` when the script runs. */
export interface TransitionCandidate {
  from: MissionStatus;
  log: MissionLogEntry;
  /** Entries appended after `log` in the same write, e.g. the error that explains a FAILED. */
  alsoLog?: MissionLogEntry[];
  events: MissionEventEnvelope[];
}

export interface ChangeStatusCommand {
  tenantId: string | null;
  missionId: string;
  to: MissionStatus;
  at: number;
  /** One per legal source status; the script applies the one matching the stored status. */
  candidates: TransitionCandidate[];
}

export type ChangeStatusResult =
  | { kind: 'changed'; mission: Mission; from: MissionStatus; events: MissionEventEnvelope[] }
  | { kind: 'unchanged'; mission: Mission }
  | { kind: 'conflict'; mission: Mission }
  | { kind: 'not_found' };

export interface AppendLogCommand {
  tenantId: string | null;
  missionId: string;
  entry: MissionLogEntry;
  events: MissionEventEnvelope[];
}

/** Deletes one mission of the tenant the repository is given (a batch never spans tenants). */
export interface DeleteMissionCommand {
  missionId: string;
  at: number;
  /**
   * One per terminal status: the events to write if the mission is found in it (the caller
   * does not know which; the script decides, as for a status change).
   */
  candidates: { status: MissionStatus; events: MissionEventEnvelope[] }[];
  /** Retention only: delete only if the mission finished at or before this time (epoch ms). */
  finishedBy?: number;
}

export type DeleteMissionResult =
  | { kind: 'deleted'; status: MissionStatus; events: MissionEventEnvelope[] }
  | { kind: 'not_finished'; status: MissionStatus }
  | { kind: 'not_expired' }
  | { kind: 'not_found' };

/** Missions whose lower-cased name starts with the lower-cased `prefix`, by that name then id. */
export interface SearchMissionsQuery {
  tenantId: string | null;
  namePrefix: string;
  limit: number;
  cursor?: string;
}

export interface ListMissionsQuery {
  tenantId: string | null;
  status?: MissionStatus;
  limit: number;
  cursor?: string;
}

export interface MissionPage {
  missions: Mission[];
  nextCursor: string | null;
}

export interface LogPage {
  entries: MissionLogEntry[];
  nextOffset: number | null;
}
