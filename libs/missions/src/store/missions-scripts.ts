import type { ChainableCommander } from 'ioredis';
import type { DeleteMissionCommand, DeleteMissionResult } from '../domain/mission-commands.js';
import { MissionEventType } from '../domain/mission-events.js';
import { isTerminal } from '../domain/mission-state.js';
import { MISSION_STATUSES, type MissionStatus } from '../domain/mission.types.js';
import { indexMember, nameIndexMember, type MissionKeys } from './mission-keys.js';
import { defineScripts, type ScriptFile } from './lua-scripts.js';
import type { MissionsRedisClient } from './redis-connection.js';

/** The Lua scripts of store/scripts/ as client commands, their replies, and their argument layouts. */
export type CreateReply = ['created'] | ['id_taken'] | ['idempotent', string];
export type ChangeStatusReply =
  | ['not_found']
  | ['unchanged' | 'conflict', string[]]
  | ['changed', MissionStatus, string[]];
export type DeleteReply = ['not_found'] | ['stale'] | ['not_expired'] | ['not_finished', MissionStatus] | ['deleted', MissionStatus];

/** The commands defineCommand adds to the client; ioredis cannot type them itself. */
export interface MissionsScripts {
  /** Variable key count (the idempotency key is optional), so the count comes first. */
  missionsCreate(numberOfKeys: number, ...keysAndArgs: string[]): Promise<CreateReply>;
  /** Variable key count too: the retention index only for a terminal target. */
  missionsChangeStatus(numberOfKeys: number, ...keysAndArgs: string[]): Promise<ChangeStatusReply>;
  missionsAppendLog(...keysAndArgs: string[]): Promise<0 | 1>;
  missionsDelete(...keysAndArgs: string[]): Promise<DeleteReply>;
}

const TERMINAL_STATUSES = MISSION_STATUSES.filter(isTerminal);

const SCRIPTS: Record<keyof MissionsScripts, ScriptFile> = {
  missionsCreate: { file: 'create-mission.lua' },
  missionsChangeStatus: { file: 'change-status.lua' },
  missionsAppendLog: { file: 'append-log.lua', numberOfKeys: 3 },
  missionsDelete: { file: 'delete-mission.lua', numberOfKeys: 6 + 2 * TERMINAL_STATUSES.length },
};

/** Registers the missions scripts on the client (idempotent per client) and returns it typed. */
export const defineMissionsScripts = (redis: MissionsRedisClient): MissionsScripts => defineScripts<MissionsScripts>(redis, SCRIPTS);

/** A pipeline of a client the scripts were defined on has them too. */
export const scriptsOf = (pipeline: ChainableCommander): MissionsScripts => pipeline as unknown as MissionsScripts;

export function deleteArgs(keys: MissionKeys, command: DeleteMissionCommand, name: string, createdMs: string, maxLen: string): string[] {
  const { missionId, at, finishedBy, candidates } = command;
  const envelopes = TERMINAL_STATUSES.map((status) => {
    const events = candidates.find((c) => c.status === status)?.events ?? [];
    if (events.length !== 1) throw new RangeError(`a delete writes one event per terminal status, got ${events.length} for ${status}`);
    return JSON.stringify(events[0]);
  });
  return [
    keys.mission(missionId), keys.log(missionId), keys.all, keys.byName, keys.stats, keys.events,
    ...TERMINAL_STATUSES.map(keys.byStatus), ...TERMINAL_STATUSES.map(keys.finishedIn),
    missionId, String(at), maxLen, name, createdMs, indexMember(Number(createdMs), missionId),
    nameIndexMember(name, missionId), finishedBy === undefined ? '' : String(finishedBy), MissionEventType.Deleted,
    ...TERMINAL_STATUSES, ...envelopes,
  ];
}

export function deleteResult(reply: Exclude<DeleteReply, ['stale']>, command: DeleteMissionCommand): DeleteMissionResult {
  switch (reply[0]) {
    case 'deleted':
      return { kind: 'deleted', status: reply[1], events: command.candidates.find((c) => c.status === reply[1])?.events ?? [] };
    case 'not_finished':
      return { kind: 'not_finished', status: reply[1] };
    default:
      return { kind: reply[0] };
  }
}

/** Pipeline and MULTI replies carry one error slot per command; surface the first. */
export function unwrap(replies: [Error | null, unknown][] | null): unknown[] {
  if (replies === null) throw new Error('Redis transaction was aborted.');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
