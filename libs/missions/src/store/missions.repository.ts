import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type {
  AppendLogCommand,
  ChangeStatusCommand,
  ChangeStatusResult,
  CreateMissionCommand,
  CreateMissionResult,
  ListMissionsQuery,
  LogPage,
  MissionPage,
} from '../domain/mission-commands.js';
import { indexMember, missionKeys, type MissionKeys } from './mission-keys.js';
import {
  decodeCursor,
  encodeCursor,
  eventArgs,
  missionFromRecord,
  missionIdOfMember,
  missionToFields,
  parseIdempotencyRecord,
  parseLogEntry,
  recordFromFlat,
  serializeIdempotencyRecord,
  serializeLogEntry,
  statsFromRecord,
  type RedisRecord,
} from './mission-record.js';
import { MISSION_STATUSES, type Mission, type MissionStats, type MissionStatus } from '../domain/mission.types.js';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import type { MissionsRedisClient } from './redis-connection.js';
import { storeRoundTrip } from './redis-store-errors.js';
import { MissionDispatchRepository } from './mission-dispatch.repository.js';
import { defineScripts, type ScriptFile } from './lua-scripts.js';

type CreateReply = ['created'] | ['id_taken'] | ['idempotent', string];
type ChangeStatusReply =
  | ['not_found']
  | ['unchanged' | 'conflict', string[]]
  | ['changed', MissionStatus, string[]];

/** The commands defineCommand adds to the client; ioredis cannot type them itself. */
interface MissionsScripts {
  /** Variable key count (the idempotency key is optional), so the count comes first. */
  missionsCreate(numberOfKeys: number, ...keysAndArgs: string[]): Promise<CreateReply>;
  missionsChangeStatus(...keysAndArgs: string[]): Promise<ChangeStatusReply>;
  missionsAppendLog(...keysAndArgs: string[]): Promise<0 | 1>;
}

const SCRIPTS: Record<keyof MissionsScripts, ScriptFile> = {
  missionsCreate: { file: 'create-mission.lua' },
  missionsChangeStatus: { file: 'change-status.lua', numberOfKeys: 5 + MISSION_STATUSES.length },
  missionsAppendLog: { file: 'append-log.lua', numberOfKeys: 3 },
};

/** The only place that speaks Redis. Every write is one Lua script, hence one atomic step and one round trip. */
@Injectable()
export class MissionsRepository {
  private readonly scripts: MissionsScripts;

  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    private readonly dispatch: MissionDispatchRepository,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {
    this.scripts = defineScripts<MissionsScripts>(redis, SCRIPTS);
  }

  /** The tenant's key layout, for specs and benchmarks that inspect Redis directly. */
  keysFor(tenantId: string | null): MissionKeys {
    return missionKeys(this.options.keyPrefix, tenantId);
  }

  async createMission({ mission, log, events, idempotency }: CreateMissionCommand): Promise<CreateMissionResult> {
    const keys = this.keysFor(mission.tenantId);
    const scriptKeys = [
      keys.mission(mission.id), keys.all, keys.byStatus(mission.status), keys.stats, keys.log(mission.id), keys.events,
    ];
    if (idempotency) scriptKeys.push(keys.idempotency(idempotency.key));
    const fields = missionToFields(mission);
    const reply = await this.send('create', () => this.scripts.missionsCreate(
      scriptKeys.length, ...scriptKeys,
      indexMember(mission.createdAt, mission.id), mission.status, String(mission.createdAt),
      serializeLogEntry(log), this.streamMaxLen, mission.id,
      idempotency ? String(idempotency.ttlSeconds) : '',
      idempotency ? serializeIdempotencyRecord(idempotency.fingerprint, mission) : '',
      String(fields.length / 2), ...fields, ...eventArgs(events),
    ));
    if (reply[0] !== 'idempotent') return reply[0] === 'created' ? { kind: 'created', mission } : { kind: 'id_taken' };
    const remembered = parseIdempotencyRecord(reply[1]);
    return remembered.fingerprint === idempotency?.fingerprint
      ? { kind: 'replayed', mission: remembered.mission }
      : { kind: 'idempotency_mismatch' };
  }

  async findMission(tenantId: string | null, id: string): Promise<Mission | null> {
    return missionFromRecord(await this.send('find', () => this.redis.hgetall(this.keysFor(tenantId).mission(id))));
  }

  /** @throws InvalidCursorError for a cursor this service did not issue. */
  async listMissions({ tenantId, status, limit, cursor }: ListMissionsQuery): Promise<MissionPage> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const keys = this.keysFor(tenantId);
    const from = cursor === undefined ? '+' : `(${decodeCursor(cursor)}`;
    // One member past the page says whether there is a next one, without a count.
    const members = await this.send('list', () =>
      this.redis.zrange(status ? keys.byStatus(status) : keys.all, from, '-', 'BYLEX', 'REV', 'LIMIT', 0, limit + 1));
    const page = members.slice(0, limit);
    const nextCursor = members.length > limit ? encodeCursor(page[page.length - 1]) : null;
    if (page.length === 0) return { missions: [], nextCursor };

    const pipeline = this.redis.pipeline();
    for (const member of page) pipeline.hgetall(keys.mission(missionIdOfMember(member)));
    const records = (await this.send('list', async () => unwrap(await pipeline.exec()))) as RedisRecord[];
    const missions = records
      .map(missionFromRecord)
      // The index read and the hash reads are two steps: a mission may have moved on in between.
      .filter((mission): mission is Mission => mission !== null && (!status || mission.status === status));
    return { missions, nextCursor };
  }

  /**
   * A move to RUNNING also writes the mission's dispatch entry, due `recoveryGraceMs` later, after
   * registering its tenant where reconcilers look: if this process dies before the mission is
   * handed to a job or run, a reconciler finds it.
   */
  async changeStatus({ tenantId, missionId, to, at, candidates }: ChangeStatusCommand): Promise<ChangeStatusResult> {
    const keys = this.keysFor(tenantId);
    const due = at + this.options.execution.recoveryGraceMs;
    if (to === 'RUNNING') await this.dispatch.registerTenant(tenantId, due, at);
    const reply = await this.send('change_status', () => this.scripts.missionsChangeStatus(
      keys.mission(missionId), keys.stats, keys.log(missionId), keys.events, ...MISSION_STATUSES.map(keys.byStatus), keys.dispatch,
      to, String(at), this.streamMaxLen, missionId, ...MISSION_STATUSES,
      String(candidates.length), String(due),
      ...candidates.flatMap((c) => {
        const entries = [c.log, ...(c.alsoLog ?? [])].map(serializeLogEntry);
        return [c.from, String(entries.length), ...entries, String(c.events.length), ...eventArgs(c.events)];
      }),
    ));
    if (reply[0] === 'not_found') return { kind: 'not_found' };
    if (reply[0] !== 'changed') return { kind: reply[0], mission: missionFromFlat(reply[1]) };
    const [, from, flat] = reply;
    const applied = candidates.find((c) => c.from === from);
    return { kind: 'changed', mission: missionFromFlat(flat), from, events: applied?.events ?? [] };
  }

  /** false, with nothing written, when the mission does not exist. */
  async appendLog({ tenantId, missionId, entry, events }: AppendLogCommand): Promise<boolean> {
    const keys = this.keysFor(tenantId);
    const appended = await this.send('append_log', () => this.scripts.missionsAppendLog(
      keys.mission(missionId), keys.log(missionId), keys.events,
      serializeLogEntry(entry), this.streamMaxLen, missionId, ...eventArgs(events),
    ));
    return appended === 1;
  }

  /** null when the mission does not exist; otherwise up to `limit` entries from `offset`, oldest first. */
  async readLog(tenantId: string | null, id: string, offset: number, limit: number): Promise<LogPage | null> {
    const keys = this.keysFor(tenantId);
    const [exists, entries] = (await this.send('read_log', async () =>
      unwrap(await this.redis.multi().exists(keys.mission(id)).lrange(keys.log(id), offset, offset + limit).exec()),
    )) as [number, string[]];
    if (exists === 0) return null;
    return {
      entries: entries.slice(0, limit).map(parseLogEntry),
      nextOffset: entries.length > limit ? offset + limit : null,
    };
  }

  async stats(tenantId: string | null): Promise<MissionStats> {
    return statsFromRecord(await this.send('stats', () => this.redis.hgetall(this.keysFor(tenantId).stats)));
  }

  private send<T>(operation: string, command: () => Promise<T>): Promise<T> {
    return storeRoundTrip(operation, command, this.emitter);
  }

  private get streamMaxLen(): string {
    return String(this.options.eventStreamMaxLen);
  }
}

function missionFromFlat(flat: string[]): Mission {
  // The script read the hash it just checked, so it exists.
  return missionFromRecord(recordFromFlat(flat)) as Mission;
}

/** Pipeline and MULTI replies carry one error slot per command; surface the first. */
function unwrap(replies: [Error | null, unknown][] | null): unknown[] {
  if (replies === null) throw new Error('Redis transaction was aborted.');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
