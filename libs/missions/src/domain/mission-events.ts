import { randomUUID } from 'node:crypto';
import type { LogLevel, MissionStatus } from './mission.types.js';

/** Event names, also used as EventEmitter2 event names and stream entry types. */
export const MissionEventType = {
  Created: 'mission.created',
  StatusChanged: 'mission.status_changed',
  LogAppended: 'mission.log_appended',
  Deleted: 'mission.deleted',
} as const;
export type MissionEventType = (typeof MissionEventType)[keyof typeof MissionEventType];

export const EVENT_SOURCE = 'missions_service';

/** The old service's "Charter v1.0" envelope. Times are epoch seconds (float). */
export interface MissionEventEnvelope<P = Record<string, unknown>> {
  id: string;
  type: MissionEventType;
  source: typeof EVENT_SOURCE;
  target: string | null;
  timestamp: number;
  payload: P;
  meta: { tenant_id: string | null; principal_id: string | null };
}

export interface EventActor {
  tenantId: string | null;
  /** null for changes the system makes on its own (e.g. a worker finishing a mission). */
  principalId: string | null;
}

const toSeconds = (ms: number): number => Math.round(ms) / 1000;

function envelope<P>(
  type: MissionEventType,
  target: string | null,
  atMs: number,
  payload: P,
  actor: EventActor,
): MissionEventEnvelope<P> {
  return {
    id: randomUUID(),
    type,
    source: EVENT_SOURCE,
    target,
    timestamp: toSeconds(atMs),
    payload,
    meta: { tenant_id: actor.tenantId, principal_id: actor.principalId },
  };
}

export const missionTarget = (missionId: string): string => `mission_${missionId}`;

export function missionCreatedEvent(
  mission: { id: string; name: string; description: string | null; createdAt: number },
  actor: EventActor,
): MissionEventEnvelope {
  return envelope(MissionEventType.Created, null, mission.createdAt, {
    mission_id: mission.id,
    name: mission.name,
    description: mission.description ?? '',
    status: 'PENDING',
    created_at: toSeconds(mission.createdAt),
  }, actor);
}

export function statusChangedEvent(
  missionId: string,
  from: MissionStatus,
  to: MissionStatus,
  atMs: number,
  actor: EventActor,
): MissionEventEnvelope {
  return envelope(MissionEventType.StatusChanged, missionTarget(missionId), atMs, {
    mission_id: missionId,
    old_status: from,
    new_status: to,
    changed_at: toSeconds(atMs),
  }, actor);
}

/** `appendedAtMs` is when the entry was written, which a posted entry's own timestamp may predate. */
export function logAppendedEvent(
  missionId: string,
  entry: { level: LogLevel; message: string },
  appendedAtMs: number,
  actor: EventActor,
): MissionEventEnvelope {
  return envelope(MissionEventType.LogAppended, missionTarget(missionId), appendedAtMs, {
    mission_id: missionId,
    log_level: entry.level,
    message: entry.message,
    appended_at: toSeconds(appendedAtMs),
  }, actor);
}

/** Why a mission was deleted: a `DELETE` request, or the retention sweeper. */
export type MissionDeletionReason = 'request' | 'retention';

export function missionDeletedEvent(
  missionId: string,
  status: MissionStatus,
  atMs: number,
  reason: MissionDeletionReason,
  actor: EventActor,
): MissionEventEnvelope {
  return envelope(MissionEventType.Deleted, missionTarget(missionId), atMs, {
    mission_id: missionId,
    status,
    deleted_at: toSeconds(atMs),
    reason,
  }, actor);
}
