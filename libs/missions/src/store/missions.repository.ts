import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type {
  AppendLogCommand,
  ChangeStatusCommand,
  ChangeStatusResult,
  CreateMissionCommand,
  CreateMissionResult,
  DeleteMissionCommand,
  DeleteMissionResult,
  ListMissionsQuery,
  LogPage,
  MissionPage,
  MissionRef,
  SearchMissionsQuery,
} from '../domain/mission-commands.js';
import { isTerminal } from '../domain/mission-state.js';
import { FinishedTenantsRegistry } from './finished-tenants.registry.js';
import {
  defineMissionsScripts, deleteArgs, deleteResult, scriptsOf, unwrap, type DeleteReply, type MissionsScripts,
} from './missions-scripts.js';
import { indexMember, missionIdOfNameMember, missionKeys, nameIndexMember, type MissionKeys } from './mission-keys.js';
import {
  decodeCursor,
  decodeNameCursor,
  encodeCursor,
  encodeNameCursor,
  eventArgs,
  CREATED_LOG_FIELDS,
  createdLogEntry,
  missionFromRecord,
  missionIdOfMember,
  missionToFields,
  parseIdempotencyRecord,
  parseLogEntry,
  recordFromFlat,
  serializeIdempotencyRecord,
  serializeLogEntry,
  startsWithCreatedEntry,
  statsFromRecord,
  type RedisRecord,
} from './mission-record.js';
import { MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStats } from '../domain/mission.types.js';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import type { MissionsRedisClient } from './redis-connection.js';
import { storeRoundTrip } from './redis-store-errors.js';
import { MissionDispatchRepository } from './mission-dispatch.repository.js';

/** A mission recreated under the same id between a delete's read and its script is read again, this often. */
const DELETE_ATTEMPTS = 3;

/** The only place that speaks Redis. Every write is one Lua script, hence one atomic step and one round trip. */
@Injectable()
export class MissionsRepository {
  private readonly scripts: MissionsScripts;
  private readonly finishedTenants: FinishedTenantsRegistry;

  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    private readonly dispatch: MissionDispatchRepository,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {
    this.scripts = defineMissionsScripts(redis);
    this.finishedTenants = new FinishedTenantsRegistry(redis, options.keyPrefix);
  }

  /** The tenant's key layout, for specs and benchmarks that inspect Redis directly. */
  keysFor(tenantId: string | null): MissionKeys {
    return missionKeys(this.options.keyPrefix, tenantId);
  }

  async createMission({ mission, log, events, idempotency }: CreateMissionCommand): Promise<CreateMissionResult> {
    const keys = this.keysFor(mission.tenantId);
    const scriptKeys = [
      keys.mission(mission.id), keys.all, keys.byStatus(mission.status), keys.stats, keys.log(mission.id), keys.events, keys.byName,
    ];
    if (idempotency) scriptKeys.push(keys.idempotency(idempotency.key));
    const fields = missionToFields(mission);
    // The usual first entry is derived from the hash on read: no list key until a second one.
    const entry = serializeLogEntry(log);
    const implicit = entry === serializeLogEntry(createdLogEntry(mission));
    if (implicit) fields.push(...CREATED_LOG_FIELDS);
    const reply = await this.send('create', () => this.scripts.missionsCreate(
      scriptKeys.length, ...scriptKeys,
      indexMember(mission.createdAt, mission.id), mission.status, String(mission.createdAt),
      implicit ? '' : entry, this.streamMaxLen, mission.id,
      idempotency ? String(idempotency.ttlSeconds) : '',
      idempotency ? serializeIdempotencyRecord(idempotency.fingerprint, mission) : '',
      nameIndexMember(mission.name, mission.id), String(fields.length / 2), ...fields, ...eventArgs(events),
    ));
    if (reply[0] !== 'idempotent') return reply[0] === 'created' ? { kind: 'created', mission } : { kind: 'id_taken' };
    const remembered = parseIdempotencyRecord(reply[1]);
    return remembered.fingerprint === idempotency?.fingerprint
      ? { kind: 'replayed', mission: remembered.mission }
      : { kind: 'idempotency_mismatch' };
  }

  async findMission(tenantId: string | null, id: string): Promise<Mission | null> {
    return missionFromRecord(await this.send('find', () => this.redis.hgetall(this.keysFor(tenantId).mission(id))), { tenantId, missionId: id });
  }

  /** @throws InvalidCursorError for a cursor this service did not issue. */
  async listMissions({ tenantId, status, limit, cursor }: ListMissionsQuery): Promise<MissionPage> {
    checkLimit(limit);
    const keys = this.keysFor(tenantId);
    const from = cursor === undefined ? '+' : `(${decodeCursor(cursor)}`;
    // One member past the page says whether there is a next one, without a count.
    const members = await this.send('list', () =>
      this.redis.zrange(status ? keys.byStatus(status) : keys.all, from, '-', 'BYLEX', 'REV', 'LIMIT', 0, limit + 1));
    const page = members.slice(0, limit);
    const missions = await this.readMissions('list', tenantId, page.map(missionIdOfMember));
    return {
      // The index read and the hash reads are two steps: a mission may have moved on in between.
      missions: missions.filter((mission) => !status || mission.status === status),
      nextCursor: members.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  /** @throws InvalidCursorError for a cursor this service did not issue for this prefix. */
  async searchMissions({ tenantId, namePrefix, limit, cursor }: SearchMissionsQuery): Promise<MissionPage> {
    checkLimit(limit);
    const keys = this.keysFor(tenantId);
    const lower = namePrefix.toLowerCase();
    const from = cursor === undefined ? `[${lower}` : `(${decodeNameCursor(cursor, lower)}`;
    // UTF-8 never holds the byte 0xFF: every member that starts with `lower` sorts below lower + 0xFF.
    const to = Buffer.concat([Buffer.from(`(${lower}`, 'utf8'), Buffer.from([0xff])]);
    const members = await this.send('search', () => this.redis.zrange(keys.byName, from, to, 'BYLEX', 'LIMIT', 0, limit + 1));
    const page = members.slice(0, limit);
    return {
      missions: await this.readMissions('search', tenantId, page.map(missionIdOfNameMember)),
      nextCursor: members.length > limit ? encodeNameCursor(page[page.length - 1]) : null,
    };
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
    const scriptKeys = [
      keys.mission(missionId), keys.stats, keys.log(missionId), keys.events, ...MISSION_STATUSES.map(keys.byStatus), keys.dispatch,
    ];
    if (isTerminal(to)) {
      scriptKeys.push(keys.finishedIn(to));
      // Best effort: on a cluster the registry lives on another master, whose outage must not stop
      // this tenant's missions from finishing. A failed registration is not remembered, so the
      // tenant's next finish tries again; the store error is still reported.
      await this.send('register_finished_tenant', () => this.finishedTenants.register(tenantId, at)).catch(() => undefined);
    }
    const reply = await this.send('change_status', () => this.scripts.missionsChangeStatus(
      scriptKeys.length, ...scriptKeys,
      to, String(at), this.streamMaxLen, missionId, ...MISSION_STATUSES,
      String(candidates.length), String(due),
      ...candidates.flatMap((c) => {
        const entries = [c.log, ...(c.alsoLog ?? [])].map(serializeLogEntry);
        return [c.from, String(entries.length), ...entries, String(c.events.length), ...eventArgs(c.events)];
      }),
    ));
    if (reply[0] === 'not_found') return { kind: 'not_found' };
    const ref = { tenantId, missionId };
    if (reply[0] !== 'changed') return { kind: reply[0], mission: missionFromFlat(reply[1], ref) };
    const [, from, flat] = reply;
    const applied = candidates.find((c) => c.from === from);
    return { kind: 'changed', mission: missionFromFlat(flat, ref), from, events: applied?.events ?? [] };
  }

  /**
   * Deletes finished missions of one tenant, each in one atomic script, all of them in two
   * round trips (a read of what the name index member needs, then the scripts, pipelined).
   */
  async deleteMissions(tenantId: string | null, commands: DeleteMissionCommand[]): Promise<DeleteMissionResult[]> {
    const keys = this.keysFor(tenantId);
    const results: DeleteMissionResult[] = [];
    let pending = commands.map((_, i) => i);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > DELETE_ATTEMPTS) throw new Error(`Missions ${pending.map((i) => commands[i].missionId).join(', ')} kept changing while being deleted.`);
      const read = this.redis.pipeline();
      for (const i of pending) read.hmget(keys.mission(commands[i].missionId), 'name', 'created_ms');
      const stored = (await this.send('delete', async () => unwrap(await read.exec()))) as (string | null)[][];
      const write = this.redis.pipeline();
      const sent = pending.filter((i, n) => {
        const [name, createdMs] = stored[n];
        if (name === null || createdMs === null) results[i] = { kind: 'not_found' };
        else scriptsOf(write).missionsDelete(...deleteArgs(keys, commands[i], name, createdMs, this.streamMaxLen));
        return name !== null && createdMs !== null;
      });
      const replies = sent.length === 0 ? [] : (await this.send('delete', async () => unwrap(await write.exec()))) as DeleteReply[];
      pending = sent.filter((i, n) => {
        const reply = replies[n];
        if (reply[0] !== 'stale') results[i] = deleteResult(reply, commands[i]);
        return reply[0] === 'stale';
      });
    }
    return results;
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
    // One element before the page too: where the first entry is implicit, list index = log index - 1.
    const from = Math.max(0, offset - 1);
    const [record, stored] = (await this.send('read_log', async () =>
      unwrap(await this.redis.multi().hgetall(keys.mission(id)).lrange(keys.log(id), from, offset + limit).exec()),
    )) as [RedisRecord, string[]];
    const mission = missionFromRecord(record, { tenantId, missionId: id });
    if (mission === null) return null;
    const fetched = stored.map(parseLogEntry);
    let entries: MissionLogEntry[];
    if (startsWithCreatedEntry(record)) entries = offset === 0 ? [createdLogEntry(mission), ...fetched] : fetched;
    else entries = offset === 0 ? fetched : fetched.slice(1);
    return {
      entries: entries.slice(0, limit),
      nextOffset: entries.length > limit ? offset + limit : null,
    };
  }

  async stats(tenantId: string | null): Promise<MissionStats> {
    return statsFromRecord(await this.send('stats', () => this.redis.hgetall(this.keysFor(tenantId).stats)));
  }

  /** The missions of `ids` that still exist, in that order. */
  private async readMissions(operation: string, tenantId: string | null, ids: string[]): Promise<Mission[]> {
    if (ids.length === 0) return [];
    const keys = this.keysFor(tenantId);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.mission(id));
    const records = (await this.send(operation, async () => unwrap(await pipeline.exec()))) as RedisRecord[];
    return records.map((record, i) => missionFromRecord(record, { tenantId, missionId: ids[i] })).filter((mission): mission is Mission => mission !== null);
  }

  private send<T>(operation: string, command: () => Promise<T>): Promise<T> {
    return storeRoundTrip(operation, command, this.emitter);
  }

  private get streamMaxLen(): string {
    return String(this.options.eventStreamMaxLen);
  }
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

function missionFromFlat(flat: string[], ref: MissionRef): Mission {
  // The script read the hash it just checked, so it exists.
  return missionFromRecord(recordFromFlat(flat), ref) as Mission;
}
