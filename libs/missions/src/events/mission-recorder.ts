import { Injectable } from '@nestjs/common';
import type { ChangeStatusResult, CreateMissionResult, TransitionCandidate } from '../domain/mission-commands.js';
import {
  logAppendedEvent,
  missionCreatedEvent,
  statusChangedEvent,
  type EventActor,
} from '../domain/mission-events.js';
import { allowedSources } from '../domain/mission-state.js';
import type { Mission, MissionLogEntry, MissionStatus } from '../domain/mission.types.js';
import { MissionsPublisher } from './missions.publisher.js';
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
    const log = entry(mission.createdAt, 'info', 'Mission created', {
      name: mission.name,
      description: mission.description,
    });
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
