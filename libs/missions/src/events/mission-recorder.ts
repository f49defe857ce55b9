import { Injectable } from '@nestjs/common';
import type {
  ChangeStatusResult, CreateMissionResult, DeleteMissionResult, TransitionCandidate,
} from '../domain/mission-commands.js';
import {
  logAppendedEvent,
  missionCreatedEvent,
  missionDeletedEvent,
  statusChangedEvent,
  type EventActor,
  type MissionDeletionReason,
} from '../domain/mission-events.js';
import { allowedSources, isTerminal } from '../domain/mission-state.js';
import { MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStatus } from '../domain/mission.types.js';
import { MissionsPublisher } from './missions.publisher.js';
import { createdLogEntry } from '../store/mission-record.js';
import { MissionsRepository } from '../store/missions.repository.js';

/**
 * Records every change of a mission: builds its log entry and event envelopes, applies them
 * in one atomic repository write, then publishes the events that were actually committed.
 * Shared by the use cases (MissionsService) and the executors, so neither depends on the other.
 */
@Injectable()
export class MissionRecorder {
  constructor(
    private readonly repository: MissionsRepository,
    private readonly publisher: MissionsPublisher,
  ) {}

  async create(
    mission: Mission,
    actor: EventActor,
    idempotency?: { key: string; fingerprint: string; ttlSeconds: number },
  ): Promise<CreateMissionResult> {
    const log = createdLogEntry(mission);
    const events = [missionCreatedEvent(mission, actor), logAppendedEvent(mission.id, log, mission.createdAt, actor)];
    const result = await this.repository.createMission({ mission, log, events, idempotency });
    if (result.kind === 'created') this.publisher.publish(events);
    return result;
  }

  /**
   * Moves the mission to `to` if the status stored in Redis allows it, checked atomically there.
   * `alsoLog` entries are appended in the same write, only if the move applies.
   */
  async changeStatus(
    tenantId: string | null,
    missionId: string,
    to: MissionStatus,
    actor: EventActor,
    alsoLog: MissionLogEntry[] = [],
  ): Promise<ChangeStatusResult> {
    const at = Date.now();
    const candidates: TransitionCandidate[] = allowedSources(to).map((from) => {
      const log = entry(at, 'info', 'Mission status changed', { from, to });
      return {
        from,
        log,
        alsoLog,
        events: [
          statusChangedEvent(missionId, from, to, at, actor),
          ...[log, ...alsoLog].map((logged) => logAppendedEvent(missionId, logged, at, actor)),
        ],
      };
    });
    const result = await this.repository.changeStatus({ tenantId, missionId, to, at, candidates });
    if (result.kind === 'changed') this.publisher.publish(result.events);
    return result;
  }

  /**
   * Deletes finished missions of one tenant, each atomically with its `mission.deleted` event,
   * and publishes the events of those actually deleted. `finishedBy` (retention) spares a
   * mission that finished after it, e.g. one recreated under the same id since it was found.
   */
  async delete(
    tenantId: string | null,
    targets: { missionId: string; finishedBy?: number }[],
    reason: MissionDeletionReason,
    actor: EventActor,
  ): Promise<DeleteMissionResult[]> {
    const at = Date.now();
    const commands = targets.map(({ missionId, finishedBy }) => ({
      missionId,
      at,
      finishedBy,
      candidates: MISSION_STATUSES.filter(isTerminal).map((status) => ({
        status,
        events: [missionDeletedEvent(missionId, status, at, reason, actor)],
      })),
    }));
    const results = await this.repository.deleteMissions(tenantId, commands);
    this.publisher.publish(results.flatMap((result) => (result.kind === 'deleted' ? result.events : [])));
    return results;
  }

  /** Appends a log entry; false when the mission does not exist (nothing written). */
  async appendLog(
    tenantId: string | null,
    missionId: string,
    log: MissionLogEntry,
    actor: EventActor,
  ): Promise<boolean> {
    const events = [logAppendedEvent(missionId, log, Date.now(), actor)];
    const appended = await this.repository.appendLog({ tenantId, missionId, entry: log, events });
    if (appended) this.publisher.publish(events);
    return appended;
  }
}

function entry(atMs: number, level: MissionLogEntry['level'], message: string, data: Record<string, unknown>): MissionLogEntry {
  return { timestamp: atMs / 1000, level, message, data };
}
