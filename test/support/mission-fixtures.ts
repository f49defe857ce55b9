import { randomUUID } from 'node:crypto';
import type { Command } from 'ioredis';
import type { ChangeStatusCommand, CreateMissionCommand, DeleteMissionCommand } from '../../libs/missions/src/domain/mission-commands.js';
import { logAppendedEvent, missionCreatedEvent, missionDeletedEvent, statusChangedEvent } from '../../libs/missions/src/domain/mission-events.js';
import { allowedSources } from '../../libs/missions/src/domain/mission-state.js';
import type { Mission, MissionLogEntry, MissionStatus } from '../../libs/missions/src/domain/mission.types.js';
import { resolveMissionsOptions } from '../../libs/missions/src/options/missions.options.js';
import { MissionDispatchRepository } from '../../libs/missions/src/store/mission-dispatch.repository.js';
import { MissionsRepository } from '../../libs/missions/src/store/missions.repository.js';
import { masterNodes, type MissionsRedisClient } from '../../libs/missions/src/store/redis-connection.js';

/** Missions and repository commands for the store specs, built the way the recorder builds them. */

export const repositoryOn = (client: MissionsRedisClient, keyPrefix: string, eventStreamMaxLen?: number): MissionsRepository => {
  const options = resolveMissionsOptions({ keyPrefix, eventStreamMaxLen, auth: { mode: 'host' }, redis: { client } });
  return new MissionsRepository(client, options, new MissionDispatchRepository(client, options));
};

export const newTenant = (): string => `tenant-${randomUUID()}`;

let clock = 1_703_001_234_567;
/** A tick of the specs' clock: every call is 1 s after the last one. */
export const nextTick = (): number => (clock += 1000);

export function newMission(tenantId: string | null, overrides: Partial<Mission> = {}): Mission {
  const createdAt = overrides.createdAt ?? nextTick();
  return {
    id: randomUUID(), name: 'Deploy v2.0', description: 'Deploy new version', data: { env: 'production' },
    status: 'PENDING', createdAt, updatedAt: createdAt, tenantId, createdBy: 'user-42', version: 1, ...overrides,
  };
}

export function createCommand(mission: Mission, idempotency?: CreateMissionCommand['idempotency']): CreateMissionCommand {
  const actor = { tenantId: mission.tenantId, principalId: mission.createdBy };
  const log: MissionLogEntry = {
    timestamp: mission.createdAt / 1000, level: 'info', message: 'Mission created',
    data: { name: mission.name, description: mission.description },
  };
  const events = [missionCreatedEvent(mission, actor), logAppendedEvent(mission.id, log, mission.createdAt, actor)];
  return { mission, log, events, idempotency };
}

export function changeCommand(tenantId: string | null, missionId: string, to: MissionStatus, at = nextTick()): ChangeStatusCommand {
  const actor = { tenantId, principalId: 'user-42' };
  const candidates = allowedSources(to).map((from) => {
    const log: MissionLogEntry = { timestamp: at / 1000, level: 'info', message: 'Mission status changed', data: { from, to } };
    return { from, log, events: [statusChangedEvent(missionId, from, to, at, actor), logAppendedEvent(missionId, log, at, actor)] };
  });
  return { tenantId, missionId, to, at, candidates };
}

const FINISHED = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

/** A delete as the recorder builds it: one `mission.deleted` per terminal status the mission may be in. */
export function deleteCommand(tenantId: string | null, missionId: string, finishedBy?: number, at = nextTick()): DeleteMissionCommand {
  const actor = { tenantId, principalId: 'user-42' };
  const candidates = FINISHED.map((status) => ({ status, events: [missionDeletedEvent(missionId, status, at, 'request', actor)] }));
  return { missionId, at, candidates, finishedBy };
}

/**
 * Round trips, measured honestly: ioredis writes a lone command, or a whole pipeline / MULTI
 * block, to the socket in ONE write, and a later write within the same operation can only
 * follow an awaited reply or another command. So socket writes >= round trips, and "1 write"
 * proves one round trip. The client must be idle otherwise (it is: these tests run serially)
 * and not auto-pipelining (the default). Commands are recorded too, with their arguments.
 */
export async function traced<T>(client: MissionsRedisClient, run: () => Promise<T>) {
  // On a cluster, every master's socket: a write to any of them is a round trip. A master no
  // command has gone to yet has no socket (a node connects on first use): connect it first, or
  // its first write would go uncounted (and its missing socket made this throw, by chance of
  // which masters the spec's random tenants had reached).
  const masters = masterNodes(client);
  await Promise.all(masters.map((node) => (node.stream ? undefined : node.ping())));
  const sockets = masters.map((node) => node.stream as unknown as { write: (...args: unknown[]) => boolean });
  const send = client.sendCommand;
  const trace = { writes: 0, commands: [] as { name: string; keys: string[]; args: string[] }[] };
  for (const socket of sockets) {
    const write = socket.write;
    socket.write = function (this: unknown, ...args: unknown[]) {
      trace.writes += 1;
      return write.apply(this, args);
    };
  }
  client.sendCommand = function (this: MissionsRedisClient, command: Command, ...rest: unknown[]) {
    const sent = (send as (...a: unknown[]) => unknown).call(this, command, ...rest);
    // Read after sending: ioredis turns a script's EVALSHA into EVAL on a fresh connection.
    trace.commands.push({ name: command.name, keys: command.getKeys().map(String), args: command.args.map(String) });
    return sent;
  } as MissionsRedisClient['sendCommand'];
  try {
    const result = await run();
    return { result, ...trace };
  } finally {
    for (const socket of sockets) delete (socket as Partial<typeof socket>).write;
    delete (client as Partial<MissionsRedisClient>).sendCommand;
  }
}

/** The slot-determining part of a key, as Redis Cluster computes it. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open === -1 || close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}
