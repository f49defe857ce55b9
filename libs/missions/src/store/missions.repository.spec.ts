import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  changeCommand, createCommand, hashTag, newMission, newTenant, repositoryOn as repositoryAt, traced,
} from '../../../../test/support/mission-fixtures.js';
import { connectTestRedis, deleteKeys } from '../../../../test/support/redis-test-keys.js';
import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import type { ChangeStatusResult } from '../domain/mission-commands.js';
import { logAppendedEvent, missionDeletedEvent, type MissionEventEnvelope } from '../domain/mission-events.js';
import { MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStatus } from '../domain/mission.types.js';
import { missionToFields } from './mission-record.js';
import { MissionsRepository } from './missions.repository.js';
import type { MissionsRedisClient } from './redis-connection.js';

// Real Redis, one random prefix per run: the spec never touches keys it did not create.
const prefix = `test:repo:${randomUUID()}:`;
const clients: MissionsRedisClient[] = [];
let redis: MissionsRedisClient;
let sut: MissionsRepository;

/** On the single Redis, or on the cluster with MISSIONS_TEST_REDIS=cluster (test/support). */
const connect = async (): Promise<MissionsRedisClient> => {
  const client = await connectTestRedis();
  clients.push(client);
  return client;
};
const repositoryOn = (client: MissionsRedisClient, keyPrefix = prefix, eventStreamMaxLen?: number): MissionsRepository =>
  repositoryAt(client, keyPrefix, eventStreamMaxLen);

async function created(tenantId: string | null, overrides: Partial<Mission> = {}, repository = sut): Promise<Mission> {
  const mission = newMission(tenantId, overrides);
  expect((await repository.createMission(createCommand(mission))).kind).toBe('created');
  return mission;
}

async function streamEntries(tenantId: string | null, missionId: string) {
  const entries = await redis.xrange(sut.keysFor(tenantId).events, '-', '+');
  return entries
    .map(([, fields]) => ({ type: fields[1], mission: fields[3], envelopeJson: fields[5] }))
    .filter((entry) => entry.mission === missionId);
}

// Entries as the contract counts them: the first one of a created mission lives in its hash.
const logLength = async (tenantId: string | null, id: string, repository = sut) => (await repository.readLog(tenantId, id, 0, 10_000))?.entries.length;
const indexMembers = (key: string) => redis.zrange(key, '0', '-1');

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  redis = await connect();
  await redis.ping();
  sut = repositoryOn(redis);
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await Promise.all(clients.map((client) => client.quit()));
});

describe(MissionsRepository.name, () => {
  describe('createMission', () => {
    it('should write the mission, its index entries, stats, log entry and events in one step', async () => {
      const tenant = newTenant();
      const mission = newMission(tenant, { description: null });
      const command = createCommand(mission);
      await expect(sut.createMission(command)).resolves.toEqual({ kind: 'created', mission });

      const keys = sut.keysFor(tenant);
      const hash = await redis.hgetall(keys.mission(mission.id));
      expect(hash).toEqual({
        name: mission.name, data: '{"env":"production"}', status: 'PENDING',
        created_ms: String(mission.createdAt), updated_ms: String(mission.createdAt),
        created_by: 'user-42', version: '1', log_head: 'created',
      });
      const member = `${String(mission.createdAt).padStart(15, '0')}:${mission.id}`;
      expect(await indexMembers(keys.all)).toEqual([member]);
      expect(await indexMembers(keys.byStatus('PENDING'))).toEqual([member]);
      expect(await indexMembers(keys.byName)).toEqual([`deploy v2.0\u0000${mission.id}`]);
      expect(await redis.hgetall(keys.stats)).toEqual({ total: '1', PENDING: '1', last_updated_ms: String(mission.createdAt) });
      // No list key for the first entry: the hash stands for it.
      expect(await redis.exists(keys.log(mission.id))).toBe(0);
      expect((await sut.readLog(tenant, mission.id, 0, 10))?.entries).toEqual([
        { timestamp: mission.createdAt / 1000, level: 'info', message: 'Mission created', data: { name: mission.name, description: null } },
      ]);
      expect(await streamEntries(tenant, mission.id)).toEqual(
        command.events.map((event) => ({ type: event.type, mission: mission.id, envelopeJson: JSON.stringify(event) })),
      );
    });

    it('should store user data byte-exact, with [] and precise numbers intact', async () => {
      const tenant = newTenant();
      const data = { empty: [], nested: { list: [[], {}], n: 0.30000000000000004 }, big: 9007199254740991, tiny: 1e-7, s: 'ünï\u0000"\\' };
      const mission = await created(tenant, { data, description: 'x'.repeat(4000) });
      const hash = await redis.hgetall(sut.keysFor(tenant).mission(mission.id));
      const pieces = Object.keys(hash).filter((f) => f === 'data' || f.startsWith('data~')).sort((a, b) => a.length - b.length || a.localeCompare(b));
      expect(pieces.map((f) => hash[f]).join('')).toBe(JSON.stringify(data));
      const found = await sut.findMission(tenant, mission.id);
      expect(JSON.stringify(found?.data)).toBe(JSON.stringify(data));
      expect(found).toEqual(mission);
    });

    it('should read, list and move a mission whose hash was written with id and tenant_id fields (before they were left out)', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      await redis.hset(sut.keysFor(tenant).mission(mission.id), 'id', mission.id, 'tenant_id', tenant);
      await expect(sut.findMission(tenant, mission.id)).resolves.toEqual(mission);
      const moved = await sut.changeStatus(changeCommand(tenant, mission.id, 'RUNNING'));
      expect(moved).toEqual(expect.objectContaining({ kind: 'changed', mission: expect.objectContaining({ id: mission.id, tenantId: tenant, status: 'RUNNING' }) }));
      expect((await sut.listMissions({ tenantId: tenant, status: 'RUNNING', limit: 10 })).missions.map((m) => m.id)).toEqual([mission.id]);
      expect((await sut.listMissions({ tenantId: tenant, status: 'PENDING', limit: 10 })).missions).toEqual([]);
    });

    it('should keep a mission with ~110-byte data and a 60-character description a compact listpack hash', async () => {
      const tenant = newTenant();
      const data = { env: 'production', region: 'eu-west-1', replicas: 6, image: 'registry.local/api:2.14.3', canary: true, note: 'ü🚀'.repeat(8) };
      const mission = await created(tenant, { data, description: 'Roll out the new API build to the EU cluster behind a canary' });
      const key = sut.keysFor(tenant).mission(mission.id);
      const [, listpackValue] = (await redis.config('GET', 'hash-max-listpack-value')) as [string, string];
      const values = Object.values(await redis.hgetall(key));
      expect(Math.max(...values.map((v) => Buffer.byteLength(v)))).toBeLessThanOrEqual(64);
      if (listpackValue === '64') expect(await redis.call('OBJECT', 'ENCODING', key)).toBe('listpack');
      await expect(sut.findMission(tenant, mission.id)).resolves.toEqual(mission);
    });

    it('should answer id_taken and write nothing when the id exists in the tenant', async () => {
      const tenant = newTenant();
      const first = await created(tenant);
      const second = newMission(tenant, { id: first.id, name: 'Other' });
      await expect(sut.createMission(createCommand(second))).resolves.toEqual({ kind: 'id_taken' });
      await expect(sut.findMission(tenant, first.id)).resolves.toEqual(first);
      expect((await sut.stats(tenant)).total).toBe(1);
      expect(await logLength(tenant, first.id)).toBe(1);
      expect(await streamEntries(tenant, first.id)).toHaveLength(2);
    });

    it('should let two tenants use the same id', async () => {
      const id = `shared-${randomUUID()}`;
      const [a, b] = [newTenant(), newTenant()];
      await created(a, { id });
      await created(b, { id, name: 'B' });
      expect((await sut.findMission(b, id))?.name).toBe('B');
    });

    it('should replay the first snapshot for the same key and fingerprint, and write nothing', async () => {
      const tenant = newTenant();
      const idempotency = { key: `key-${randomUUID()}`, fingerprint: 'fp-1', ttlSeconds: 60 };
      const first = newMission(tenant);
      await expect(sut.createMission(createCommand(first, idempotency))).resolves.toEqual({ kind: 'created', mission: first });
      await sut.changeStatus(changeCommand(tenant, first.id, 'RUNNING'));

      const retry = newMission(tenant);
      await expect(sut.createMission(createCommand(retry, idempotency))).resolves.toEqual({ kind: 'replayed', mission: first });
      await expect(sut.findMission(tenant, retry.id)).resolves.toBeNull();
      expect((await sut.stats(tenant)).total).toBe(1);
      const ttl = await redis.ttl(sut.keysFor(tenant).idempotency(idempotency.key));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('should answer idempotency_mismatch for the same key with another fingerprint', async () => {
      const tenant = newTenant();
      const key = `key-${randomUUID()}`;
      await created(tenant, {}, sut);
      await sut.createMission(createCommand(newMission(tenant), { key, fingerprint: 'fp-1', ttlSeconds: 60 }));
      const other = newMission(tenant);
      await expect(sut.createMission(createCommand(other, { key, fingerprint: 'fp-2', ttlSeconds: 60 })))
        .resolves.toEqual({ kind: 'idempotency_mismatch' });
      await expect(sut.findMission(tenant, other.id)).resolves.toBeNull();
      expect((await sut.stats(tenant)).total).toBe(2);
    });

    it('should scope idempotency keys to the tenant', async () => {
      const idempotency = { key: `key-${randomUUID()}`, fingerprint: 'fp', ttlSeconds: 60 };
      const a = newMission(newTenant());
      const b = newMission(null);
      await sut.createMission(createCommand(a, idempotency));
      await expect(sut.createMission(createCommand(b, idempotency))).resolves.toEqual({ kind: 'created', mission: b });
    });
  });

  describe('findMission', () => {
    it('should return the mission, and null for an unknown id', async () => {
      const mission = await created(null, { description: null });
      await expect(sut.findMission(null, mission.id)).resolves.toEqual(mission);
      await expect(sut.findMission(null, `missing-${randomUUID()}`)).resolves.toBeNull();
    });

    it("should not find another tenant's mission", async () => {
      const mission = await created(newTenant());
      await expect(sut.findMission(newTenant(), mission.id)).resolves.toBeNull();
      await expect(sut.findMission(null, mission.id)).resolves.toBeNull();
    });
  });

  describe('listMissions', () => {
    const listAll = async (tenantId: string, limit: number, status?: MissionStatus) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await sut.listMissions({ tenantId, status, limit, cursor });
        expect(page.missions.length).toBeLessThanOrEqual(limit);
        ids.push(...page.missions.map((m) => m.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      return { ids, pages };
    };

    let tenant: string;
    let expected: string[];
    beforeAll(async () => {
      tenant = newTenant();
      // Three creation times, several ids each, created out of order: ties must sort by id.
      const specs = ['b', 'A', 'c', 'a.1', 'a', 'z', 'Z', '0', 'a:b', 'a-b', 'a_b', 'q', 'r', 's', 't'].map((id, i) => ({
        id, createdAt: 1_700_000_000_000 + (i % 3) * 1000,
      }));
      for (const spec of specs) await created(tenant, spec);
      expected = [...specs]
        .sort((x, y) => (x.createdAt !== y.createdAt ? y.createdAt - x.createdAt : x.id < y.id ? 1 : -1))
        .map((s) => s.id);
    });

    it('should list newest first, ties by id descending', async () => {
      const page = await sut.listMissions({ tenantId: tenant, limit: 100 });
      expect(page.missions.map((m) => m.id)).toEqual(expected);
      expect(page.nextCursor).toBeNull();
    });

    it.each([1, 2, 7, 15])('should cover every mission exactly once with limit %i', async (limit) => {
      const { ids, pages } = await listAll(tenant, limit);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    });

    it('should filter by status through the status index', async () => {
      const tenantF = newTenant();
      const missions = [];
      for (let i = 0; i < 9; i += 1) missions.push(await created(tenantF));
      const running = missions.filter((_, i) => i % 3 === 0);
      for (const m of running) await sut.changeStatus(changeCommand(tenantF, m.id, 'RUNNING'));
      const newestFirst = (list: Mission[]) => list.map((m) => m.id).reverse();

      expect((await listAll(tenantF, 2, 'RUNNING')).ids).toEqual(newestFirst(running));
      expect((await listAll(tenantF, 2, 'PENDING')).ids).toEqual(newestFirst(missions.filter((m) => !running.includes(m))));
      expect((await listAll(tenantF, 2, 'FAILED')).ids).toEqual([]);
      const page = await sut.listMissions({ tenantId: tenantF, status: 'RUNNING', limit: 5 });
      expect(page.missions.every((m) => m.status === 'RUNNING' && m.version === 2)).toBe(true);
    });

    it('should drop a mission whose status no longer matches the index it was found in', async () => {
      const tenantD = newTenant();
      const moved = await created(tenantD);
      await sut.changeStatus(changeCommand(tenantD, moved.id, 'RUNNING'));
      // What a status change landing between the two round trips leaves behind.
      const member = `${String(moved.createdAt).padStart(15, '0')}:${moved.id}`;
      await redis.zadd(sut.keysFor(tenantD).byStatus('PENDING'), 0, member);
      await expect(sut.listMissions({ tenantId: tenantD, status: 'PENDING', limit: 10 }))
        .resolves.toEqual({ missions: [], nextCursor: null });
    });

    it('should list nothing of another tenant', async () => {
      await expect(sut.listMissions({ tenantId: newTenant(), limit: 10 })).resolves.toEqual({ missions: [], nextCursor: null });
    });

    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    // 17 bytes leave 2 unused bits in the last character; setting one decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = (c: string) => c.slice(0, -1) + alphabet[alphabet.indexOf(c.at(-1)!) ^ 1];
    it.each([
      ['empty', ''],
      ['not base64url', 'abc$%^'],
      ['padded', `${b64('001700000000000:a')}=`],
      ['not a member', b64('hello')],
      ['a bound injection', b64('(001700000000000:a')],
      ['a short time', b64('01700000000000:a')],
      ['an id with a brace', b64('001700000000000:a{b}')],
      ['non-canonical base64url (unused bits set)', nonCanonical(b64('001700000000000:a'))],
    ])('should throw InvalidCursorError for %s', async (_, cursor) => {
      await expect(sut.listMissions({ tenantId: tenant, limit: 10, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });

  describe('changeStatus', () => {
    it('should write a dispatch entry due one grace period after the move to RUNNING, and drop it when the mission ends', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      const running = changeCommand(tenant, mission.id, 'RUNNING');
      await sut.changeStatus(running);
      const { dispatch } = sut.keysFor(tenant);
      // The default recoveryGraceMs: 5 s.
      expect(await redis.zscore(dispatch, mission.id)).toBe(String(running.at + 5000));
      await sut.changeStatus(changeCommand(tenant, mission.id, 'COMPLETED'));
      expect(await redis.zcard(dispatch)).toBe(0);
    });

    it('should append the entries that go with a move in the same write, and none when the move does not apply', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      const error: MissionLogEntry = { timestamp: 1, level: 'error', message: 'Mission execution failed: lost', data: { error: 'lost' } };
      const failed = (to: MissionStatus) => {
        const command = changeCommand(tenant, mission.id, to);
        return { ...command, candidates: command.candidates.map((c) => ({ ...c, alsoLog: [error] })) };
      };
      expect((await sut.changeStatus(failed('COMPLETED'))).kind).toBe('conflict');
      expect((await sut.changeStatus(failed('CANCELLED'))).kind).toBe('changed');
      const log = await sut.readLog(tenant, mission.id, 0, 10);
      expect(log?.entries.map((e) => e.message)).toEqual(['Mission created', 'Mission status changed', 'Mission execution failed: lost']);
    });

    it('should apply a legal move with all its effects', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      const command = changeCommand(tenant, mission.id, 'RUNNING');
      const result = await sut.changeStatus(command);

      const moved = { ...mission, status: 'RUNNING', updatedAt: command.at, version: 2 };
      expect(result).toEqual({ kind: 'changed', mission: moved, from: 'PENDING', events: command.candidates[0].events });
      await expect(sut.findMission(tenant, mission.id)).resolves.toEqual(moved);
      const keys = sut.keysFor(tenant);
      expect(await redis.zcard(keys.byStatus('PENDING'))).toBe(0);
      expect(await redis.zcard(keys.byStatus('RUNNING'))).toBe(1);
      expect(await redis.zcard(keys.all)).toBe(1);
      await expect(sut.stats(tenant)).resolves.toEqual({
        total: 1, byStatus: { PENDING: 0, RUNNING: 1, COMPLETED: 0, FAILED: 0, CANCELLED: 0 }, lastUpdated: command.at,
      });
      const log = await sut.readLog(tenant, mission.id, 0, 10);
      expect(log?.entries[1]).toEqual(command.candidates[0].log);
      const events = await streamEntries(tenant, mission.id);
      expect(events.slice(2).map((e) => e.envelopeJson)).toEqual(command.candidates[0].events.map((e) => JSON.stringify(e)));
    });

    it('should pick the candidate matching the stored status', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      await sut.changeStatus(changeCommand(tenant, mission.id, 'RUNNING'));
      const result = await sut.changeStatus(changeCommand(tenant, mission.id, 'CANCELLED'));
      expect(result.kind === 'changed' && result.from).toBe('RUNNING');
      expect((await sut.stats(tenant)).byStatus).toEqual({ PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 1 });
    });

    it('should answer unchanged for the current status, writing nothing', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      await expect(sut.changeStatus(changeCommand(tenant, mission.id, 'PENDING'))).resolves.toEqual({ kind: 'unchanged', mission });
      expect(await logLength(tenant, mission.id)).toBe(1);
      expect(await streamEntries(tenant, mission.id)).toHaveLength(2);
      expect((await sut.stats(tenant)).lastUpdated).toBe(mission.createdAt);
    });

    it('should answer conflict with the current mission for an illegal move, writing nothing', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      await sut.changeStatus(changeCommand(tenant, mission.id, 'CANCELLED'));
      const before = await sut.findMission(tenant, mission.id);
      await expect(sut.changeStatus(changeCommand(tenant, mission.id, 'RUNNING'))).resolves.toEqual({ kind: 'conflict', mission: before });
      await expect(sut.changeStatus(changeCommand(tenant, mission.id, 'PENDING'))).resolves.toEqual({ kind: 'conflict', mission: before });
      expect(await logLength(tenant, mission.id)).toBe(2);
      expect(await streamEntries(tenant, mission.id)).toHaveLength(4);
    });

    it("should answer not_found for an unknown id or another tenant's mission", async () => {
      const mission = await created(newTenant());
      await expect(sut.changeStatus(changeCommand(newTenant(), mission.id, 'RUNNING'))).resolves.toEqual({ kind: 'not_found' });
      await expect(sut.changeStatus(changeCommand(null, `missing-${randomUUID()}`, 'RUNNING'))).resolves.toEqual({ kind: 'not_found' });
    });

    it.each([
      ['PENDING', ['RUNNING']],
      ['RUNNING', ['COMPLETED', 'FAILED', 'CANCELLED']],
    ] as const)('should apply exactly one of 20 concurrent moves out of %s', async (from, targets) => {
      const tenant = newTenant();
      const mission = await created(tenant);
      if (from === 'RUNNING') await sut.changeStatus(changeCommand(tenant, mission.id, 'RUNNING'));
      const repositories = await Promise.all(Array.from({ length: 5 }, async () => repositoryOn(await connect())));
      await Promise.all(repositories.map((r) => r.findMission(tenant, mission.id)));

      const results: ChangeStatusResult[] = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          repositories[i % repositories.length].changeStatus(changeCommand(tenant, mission.id, targets[i % targets.length])),
        ),
      );
      const changed = results.filter((r) => r.kind === 'changed');
      expect(changed).toHaveLength(1);
      const winner = changed[0].kind === 'changed' ? changed[0].mission.status : undefined;
      // The losers see the winner's status: same target is a no-op, any other is now illegal.
      results.forEach((result, i) => {
        if (result === changed[0]) return;
        expect(result.kind).toBe(targets[i % targets.length] === winner ? 'unchanged' : 'conflict');
      });
      const outOfFrom = (await streamEntries(tenant, mission.id))
        .filter((e) => e.type === 'mission.status_changed')
        .filter((e) => (JSON.parse(e.envelopeJson) as MissionEventEnvelope).payload.old_status === from);
      expect(outOfFrom).toHaveLength(1);
      const log = await sut.readLog(tenant, mission.id, 0, 100);
      expect(log?.entries.filter((e) => e.data.from === from)).toHaveLength(1);
      expect((await sut.findMission(tenant, mission.id))?.version).toBe(from === 'PENDING' ? 2 : 3);
    });
  });

  describe('appendLog', () => {
    it('should append an entry and its event without touching version, updated_at or stats', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      const entry: MissionLogEntry = { timestamp: 1703001350.7891, level: 'warning', message: 'Disk at 91%', data: { free: [], gb: 0.1 } };
      const events = [logAppendedEvent(mission.id, entry, Date.now(), { tenantId: tenant, principalId: null })];
      const statsBefore = await sut.stats(tenant);
      await expect(sut.appendLog({ tenantId: tenant, missionId: mission.id, entry, events })).resolves.toBe(true);

      await expect(sut.findMission(tenant, mission.id)).resolves.toEqual(mission);
      await expect(sut.stats(tenant)).resolves.toEqual(statsBefore);
      expect(await redis.lindex(sut.keysFor(tenant).log(mission.id), -1)).toBe(JSON.stringify(entry));
      expect((await sut.readLog(tenant, mission.id, 1, 10))?.entries).toEqual([entry]);
      expect((await streamEntries(tenant, mission.id)).at(-1)?.envelopeJson).toBe(JSON.stringify(events[0]));
    });

    it("should answer false and write nothing for an unknown id or another tenant's mission", async () => {
      const tenant = newTenant();
      const mission = await created(newTenant());
      const entry: MissionLogEntry = { timestamp: 1, level: 'info', message: 'x', data: {} };
      const events = [logAppendedEvent(mission.id, entry, Date.now(), { tenantId: tenant, principalId: null })];
      await expect(sut.appendLog({ tenantId: tenant, missionId: mission.id, entry, events })).resolves.toBe(false);
      const keys = sut.keysFor(tenant);
      expect(await redis.exists(keys.log(mission.id), keys.events)).toBe(0);
    });

    it('should keep the event stream near eventStreamMaxLen', async () => {
      const small = repositoryOn(redis, prefix, 10);
      const tenant = newTenant();
      const mission = await created(tenant, {}, small);
      const entry: MissionLogEntry = { timestamp: 1, level: 'debug', message: 'tick', data: {} };
      for (let i = 0; i < 400; i += 1) {
        const events = [logAppendedEvent(mission.id, entry, Date.now(), { tenantId: tenant, principalId: null })];
        await small.appendLog({ tenantId: tenant, missionId: mission.id, entry, events });
      }
      // "~" trims whole stream nodes (100 entries by default), so the bound is loose but real.
      expect(await redis.xlen(small.keysFor(tenant).events)).toBeLessThanOrEqual(110);
      expect(await logLength(tenant, mission.id)).toBe(401);
    });
  });

  describe('readLog', () => {
    it('should page oldest first with next_offset until the last page', async () => {
      const tenant = newTenant();
      const mission = await created(tenant);
      for (let i = 1; i <= 6; i += 1) {
        const entry: MissionLogEntry = { timestamp: i, level: 'info', message: `m${i}`, data: {} };
        await sut.appendLog({ tenantId: tenant, missionId: mission.id, entry, events: [] });
      }
      const messages = async (offset: number, limit: number) => {
        const page = await sut.readLog(tenant, mission.id, offset, limit);
        return [page?.entries.map((e) => e.message), page?.nextOffset];
      };
      expect(await messages(0, 3)).toEqual([['Mission created', 'm1', 'm2'], 3]);
      expect(await messages(3, 3)).toEqual([['m3', 'm4', 'm5'], 6]);
      expect(await messages(6, 3)).toEqual([['m6'], null]);
      expect(await messages(4, 3)).toEqual([['m4', 'm5', 'm6'], null]);
      expect(await messages(50, 3)).toEqual([[], null]);
    });

    it('should read a mission written with its first entry in the list (before log_head, or imported) the same way', async () => {
      const tenant = newTenant();
      const mission = newMission(tenant);
      const keys = sut.keysFor(tenant);
      const first: MissionLogEntry = { timestamp: mission.createdAt / 1000, level: 'info', message: 'Mission created', data: { name: mission.name, description: mission.description } };
      await redis.hset(keys.mission(mission.id), ...missionToFields(mission));
      await redis.rpush(keys.log(mission.id), JSON.stringify(first), JSON.stringify({ ...first, message: 'm1' }), JSON.stringify({ ...first, message: 'm2' }));
      const messages = async (offset: number, limit: number) => (await sut.readLog(tenant, mission.id, offset, limit))?.entries.map((e) => e.message);
      expect(await messages(0, 2)).toEqual(['Mission created', 'm1']);
      expect(await messages(1, 5)).toEqual(['m1', 'm2']);
      expect(await messages(2, 5)).toEqual(['m2']);
    });

    it("should answer null for an unknown id or another tenant's mission", async () => {
      const mission = await created(newTenant());
      await expect(sut.readLog(newTenant(), mission.id, 0, 10)).resolves.toBeNull();
      await expect(sut.readLog(null, `missing-${randomUUID()}`, 0, 10)).resolves.toBeNull();
    });
  });

  describe('stats', () => {
    it('should report all five statuses at 0 and no last update for a fresh tenant', async () => {
      await expect(sut.stats(newTenant())).resolves.toEqual({
        total: 0, byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 }, lastUpdated: null,
      });
    });

    it('should always equal a recount of the mission hashes after random concurrent writes (property)', async () => {
      const seed = Number(process.env.MISSIONS_PROPERTY_SEED ?? Date.now() % 2 ** 31);
      const random = mulberry32(seed);
      const propertyPrefix = `${prefix}prop:`;
      const repositories = await Promise.all(Array.from({ length: 3 }, async () => repositoryOn(await connect(), propertyPrefix)));
      const tenants = [null, 'acme', 'we{ird}:tenant'];
      const ids = new Map<string | null, string[]>(tenants.map((t) => [t, []]));
      const changes = new Map<string, number>();
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

      for (let batch = 0; batch < 30; batch += 1) {
        await Promise.all(Array.from({ length: 10 }, async () => {
          const repository = pick(repositories);
          const tenant = pick(tenants);
          const known = ids.get(tenant)!;
          if (known.length === 0 || random() < 0.35) {
            const mission = newMission(tenant);
            known.push(mission.id);
            await repository.createMission(createCommand(mission));
            return;
          }
          // Now and then aim at another tenant's id: it must be not_found and count nowhere.
          const id = random() < 0.1 ? pick(ids.get(pick(tenants))!) : pick(known);
          const result = await repository.changeStatus(changeCommand(tenant, id, pick(MISSION_STATUSES)));
          if (result.kind === 'changed') changes.set(id, (changes.get(id) ?? 0) + 1);
        }));
      }

      for (const tenant of tenants) {
        const keys = repositories[0].keysFor(tenant);
        const recount = Object.fromEntries(MISSION_STATUSES.map((s) => [s, 0])) as Record<MissionStatus, number>;
        for (const id of new Set(ids.get(tenant))) {
          const mission = await repositories[0].findMission(tenant, id);
          if (!mission) throw new Error(`seed ${seed}: ${id} missing`);
          recount[mission.status] += 1;
          expect({ seed, id, version: mission.version }).toEqual({ seed, id, version: 1 + (changes.get(id) ?? 0) });
          expect(await logLength(tenant, id, repositories[0])).toBe(mission.version);
        }
        const stats = await repositories[0].stats(tenant);
        expect({ seed, total: stats.total, byStatus: stats.byStatus })
          .toEqual({ seed, total: ids.get(tenant)!.length, byStatus: recount });
        for (const status of MISSION_STATUSES) expect(await redis.zcard(keys.byStatus(status))).toBe(recount[status]);
        expect(await redis.zcard(keys.all)).toBe(stats.total);
      }
      // No lifecycle path is longer than two moves (PENDING -> RUNNING -> terminal).
      expect([...changes.values()].every((n) => n <= 2)).toBe(true);
    });
  });

  describe('Redis usage', () => {
    const tenant = 'rt}{:tenant';
    let mission: Mission;
    const finished: Mission[] = [];
    const deleteCommand = (missionId: string) => ({ missionId, at: Date.now(), candidates: (['COMPLETED', 'FAILED', 'CANCELLED'] as const)
      .map((status) => ({ status, events: [missionDeletedEvent(missionId, status, Date.now(), 'request', { tenantId: tenant, principalId: null })] })) });
    const operations: [string, number, () => Promise<unknown>][] = [
      ['createMission', 1, () => sut.createMission(createCommand(newMission(tenant)))],
      ['createMission with an Idempotency-Key', 1, () => sut.createMission(createCommand(newMission(tenant), { key: randomUUID(), fingerprint: 'f', ttlSeconds: 5 }))],
      ['findMission', 1, () => sut.findMission(tenant, mission.id)],
      ['changeStatus', 1, () => sut.changeStatus(changeCommand(tenant, mission.id, 'PENDING'))],
      // The first registers the tenant on its dispatch registry shard: see the test below.
      ['changeStatus to RUNNING', 2, () => sut.changeStatus(changeCommand(tenant, mission.id, 'RUNNING'))],
      ['appendLog', 1, () => sut.appendLog({ tenantId: tenant, missionId: mission.id, entry: { timestamp: 1, level: 'info', message: 'x', data: {} }, events: [] })],
      ['readLog', 1, () => sut.readLog(tenant, mission.id, 0, 10)],
      ['stats', 1, () => sut.stats(tenant)],
      ['listMissions', 2, () => sut.listMissions({ tenantId: tenant, limit: 2 })],
      ['listMissions by status', 2, () => sut.listMissions({ tenantId: tenant, status: 'RUNNING', limit: 2 })],
      ['searchMissions', 2, () => sut.searchMissions({ tenantId: tenant, namePrefix: 'DEPLOY', limit: 2 })],
      // A read for the name index member, then the script.
      ['deleteMissions', 2, () => sut.deleteMissions(tenant, [deleteCommand(finished.pop()!.id)])],
      ['deleteMissions of a batch', 2, () => sut.deleteMissions(tenant, [deleteCommand(finished.pop()!.id), deleteCommand(finished.pop()!.id)])],
    ];

    beforeAll(async () => {
      mission = await created(tenant);
      await created(tenant);
      for (let i = 0; i < 9; i += 1) {
        finished.push(await created(tenant));
        await sut.changeStatus(changeCommand(tenant, finished[i].id, 'CANCELLED'));
      }
      // Warm up: the first run of a script on a connection is sent as EVAL.
      for (const [, , run] of operations) await run();
    });

    it.each(operations)('should do %s in at most %i round trip(s)', async (_, roundTrips, run) => {
      const { writes } = await traced(redis, run);
      expect(writes).toBe(roundTrips);
    });

    it.each(operations)('should keep every key of %s inside the tenant hash tag', async (_, __, run) => {
      const { commands } = await traced(redis, run);
      // The dispatch registry is what lets reconcilers find the tenant, so it cannot be in its slot.
      const keys = commands.flatMap((c) => c.keys).filter((key) => !hashTag(key).startsWith('missions-dispatch.'));
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key.startsWith(prefix)).toBe(true);
        expect(`{${hashTag(key)}}`).toBe(sut.keysFor(tenant).tag);
      }
    });

    it('should register the tenant on one dispatch registry shard, in one slot, before a move to RUNNING', async () => {
      const { commands } = await traced(redis, () => sut.changeStatus(changeCommand(tenant, mission.id, 'RUNNING')));
      expect(commands).toHaveLength(2);
      const registryTags = new Set(commands[0].keys.map(hashTag));
      expect(registryTags.size).toBe(1);
      expect([...registryTags][0]).toMatch(/^missions-dispatch\.\d+$/);
      expect(commands[1].keys).toContain(sut.keysFor(tenant).dispatch);
    });

    it('should run the scripts by SHA once loaded', async () => {
      // The tenant was registered for retention by the CANCELLED moves above, and is not again for a while.
      const { commands } = await traced(redis, () => sut.changeStatus(changeCommand(tenant, mission.id, 'COMPLETED')));
      expect(commands.map((c) => c.name)).toEqual(['evalsha']);
    });
  });
});
