import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  changeCommand, createCommand, deleteCommand, newMission, newTenant, repositoryOn,
} from '../../../../test/support/mission-fixtures.js';
import { connectTestRedis, deleteKeys } from '../../../../test/support/redis-test-keys.js';
import type { DeleteMissionResult } from '../domain/mission-commands.js';
import { MISSION_STATUSES, type Mission, type MissionStatus } from '../domain/mission.types.js';
import { retentionTenantsKey, tenantTag } from './mission-keys.js';
import { MissionsRepository } from './missions.repository.js';
import type { MissionsRedisClient } from './redis-connection.js';

// Real Redis (or the cluster with MISSIONS_TEST_REDIS=cluster), one random prefix per run.
const prefix = `test:repo-delete:${randomUUID()}:`;
const clients: MissionsRedisClient[] = [];
let redis: MissionsRedisClient;
let sut: MissionsRepository;

const connect = async (): Promise<MissionsRedisClient> => {
  const client = await connectTestRedis();
  clients.push(client);
  return client;
};

const FINISHED = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

async function created(tenantId: string | null, overrides: Partial<Mission> = {}, repository = sut): Promise<Mission> {
  const mission = newMission(tenantId, overrides);
  expect((await repository.createMission(createCommand(mission))).kind).toBe('created');
  return mission;
}

/** A mission moved to `status` along the lifecycle; returns it and when it got there. */
async function inStatus(tenantId: string | null, status: MissionStatus, repository = sut): Promise<{ mission: Mission; at: number }> {
  const mission = await created(tenantId, {}, repository);
  const path: MissionStatus[] = { PENDING: [], RUNNING: ['RUNNING'], COMPLETED: ['RUNNING', 'COMPLETED'], FAILED: ['RUNNING', 'FAILED'], CANCELLED: ['CANCELLED'] }[status] as MissionStatus[];
  let at = mission.createdAt;
  for (const to of path) {
    const command = changeCommand(tenantId, mission.id, to);
    at = command.at;
    expect((await repository.changeStatus(command)).kind).toBe('changed');
  }
  return { mission, at };
}

/** Every key and index entry of the tenant, by what it is, for "nothing else changed" checks. */
async function footprint(tenantId: string | null) {
  const keys = sut.keysFor(tenantId);
  const members = (key: string) => redis.zrange(key, '0', '-1', 'WITHSCORES');
  return {
    all: await members(keys.all),
    name: await members(keys.byName),
    byStatus: await Promise.all(MISSION_STATUSES.map((s) => members(keys.byStatus(s)))),
    finished: await Promise.all(FINISHED.map((s) => members(keys.finishedIn(s)))),
    stats: await redis.hgetall(keys.stats),
    events: await redis.xlen(keys.events),
  };
}

beforeAll(async () => {
  redis = await connect();
  sut = repositoryOn(redis, prefix);
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await Promise.all(clients.map((client) => client.quit()));
});

describe(`${MissionsRepository.name} deletion`, () => {
  describe('changeStatus into a terminal status', () => {
    it.each(FINISHED)('should add a mission that becomes %s to that status retention index, scored by when', async (status) => {
      const tenant = newTenant();
      const { mission, at } = await inStatus(tenant, status);
      const keys = sut.keysFor(tenant);
      expect(await redis.zrange(keys.finishedIn(status), '0', '-1', 'WITHSCORES')).toEqual([mission.id, String(at)]);
      for (const other of FINISHED.filter((s) => s !== status)) expect(await redis.zcard(keys.finishedIn(other))).toBe(0);
    });

    it('should keep PENDING and RUNNING missions out of the retention indexes', async () => {
      const tenant = newTenant();
      await inStatus(tenant, 'RUNNING');
      expect((await footprint(tenant)).finished).toEqual([[], [], []]);
    });

    it('should register the tenant for the sweeper before its first mission finishes, without moving a schedule', async () => {
      const tenant = newTenant();
      const registry = retentionTenantsKey(prefix);
      await inStatus(tenant, 'RUNNING');
      expect(await redis.zscore(registry, tenantTag(tenant))).toBeNull();
      const { at } = await inStatus(tenant, 'CANCELLED');
      expect(await redis.zscore(registry, tenantTag(tenant))).toBe(String(at));

      await redis.zadd(registry, '42', tenantTag(tenant));
      // Another process (its own registration memory) finishing a mission leaves the sweeper's schedule alone.
      await inStatus(tenant, 'CANCELLED', repositoryOn(redis, prefix));
      expect(await redis.zscore(registry, tenantTag(tenant))).toBe('42');
    });
  });

  describe('changeStatus when the registry cannot be written', () => {
    it('should still finish the mission, and register the tenant on a later finish', async () => {
      const brokenPrefix = `${prefix}broken:`;
      const repository = repositoryOn(redis, brokenPrefix);
      const registry = retentionTenantsKey(brokenPrefix);
      // The wrong type: every ZADD on it fails, as on a master that is down.
      await redis.set(registry, 'not a sorted set');
      const tenant = newTenant();
      const { mission } = await inStatus(tenant, 'CANCELLED', repository);
      expect(await repository.findMission(tenant, mission.id)).toEqual(expect.objectContaining({ status: 'CANCELLED' }));
      await redis.del(registry);
      const { at } = await inStatus(tenant, 'COMPLETED', repository);
      expect(await redis.zscore(registry, tenantTag(tenant))).toBe(String(at));
    });
  });

  describe('deleteMissions', () => {
    it.each(FINISHED)('should remove a %s mission with everything that belongs to it, in one step', async (status) => {
      const tenant = newTenant();
      const { mission: kept } = await inStatus(tenant, status);
      const before = await footprint(tenant);
      const { mission } = await inStatus(tenant, status);
      const keys = sut.keysFor(tenant);
      await sut.appendLog({ tenantId: tenant, missionId: mission.id, entry: { timestamp: 1, level: 'info', message: 'x', data: {} }, events: [] });
      const command = deleteCommand(tenant, mission.id);

      const [result] = await sut.deleteMissions(tenant, [command]);

      const events = command.candidates.find((c) => c.status === status)!.events;
      expect(result).toEqual({ kind: 'deleted', status, events });
      expect(await redis.exists(keys.mission(mission.id), keys.log(mission.id))).toBe(0);
      const after = await footprint(tenant);
      // Every index and counter is back where it was before the mission existed, but for the time and the event.
      expect({ ...after, stats: { ...after.stats, last_updated_ms: '' }, events: 0 })
        .toEqual({ ...before, stats: { ...before.stats, last_updated_ms: '' }, events: 0 });
      expect(after.stats.last_updated_ms).toBe(String(command.at));
      expect(await sut.findMission(tenant, kept.id)).toEqual(expect.objectContaining({ id: kept.id }));
      const [[, fields]] = await redis.xrevrange(keys.events, '+', '-', 'COUNT', 1);
      expect(fields).toEqual(['type', 'mission.deleted', 'mission', mission.id, 'envelope', JSON.stringify(events[0])]);
      expect(events[0].payload).toEqual({ mission_id: mission.id, status, deleted_at: command.at / 1000, reason: 'request' });
    });

    it.each(['PENDING', 'RUNNING'] as const)('should refuse a %s mission and write nothing', async (status) => {
      const tenant = newTenant();
      const { mission } = await inStatus(tenant, status);
      const before = await footprint(tenant);
      await expect(sut.deleteMissions(tenant, [deleteCommand(tenant, mission.id)])).resolves.toEqual([{ kind: 'not_finished', status }]);
      expect(await footprint(tenant)).toEqual(before);
      expect(await sut.findMission(tenant, mission.id)).not.toBeNull();
    });

    it("should answer not_found for an unknown id and for another tenant's mission", async () => {
      const owner = newTenant();
      const { mission } = await inStatus(owner, 'COMPLETED');
      const other = newTenant();
      await expect(sut.deleteMissions(other, [deleteCommand(other, mission.id), deleteCommand(other, 'nope')]))
        .resolves.toEqual([{ kind: 'not_found' }, { kind: 'not_found' }]);
      await expect(sut.deleteMissions(null, [deleteCommand(null, mission.id)])).resolves.toEqual([{ kind: 'not_found' }]);
      expect(await sut.findMission(owner, mission.id)).not.toBeNull();
    });

    it('should answer a batch in order, each mission on its own', async () => {
      const tenant = newTenant();
      const done = await inStatus(tenant, 'COMPLETED');
      const running = await inStatus(tenant, 'RUNNING');
      const failed = await inStatus(tenant, 'FAILED');
      const results = await sut.deleteMissions(tenant, [done, running, failed].map(({ mission }) => deleteCommand(tenant, mission.id)));
      expect(results.map((r) => r.kind === 'deleted' || r.kind === 'not_finished' ? [r.kind, r.status] : [r.kind]))
        .toEqual([['deleted', 'COMPLETED'], ['not_finished', 'RUNNING'], ['deleted', 'FAILED']]);
      expect((await sut.stats(tenant)).byStatus).toEqual({ PENDING: 0, RUNNING: 1, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
    });

    it('should spare a mission that finished after finishedBy (retention)', async () => {
      const tenant = newTenant();
      const { mission, at } = await inStatus(tenant, 'CANCELLED');
      await expect(sut.deleteMissions(tenant, [deleteCommand(tenant, mission.id, at - 1)])).resolves.toEqual([{ kind: 'not_expired' }]);
      await expect(sut.deleteMissions(tenant, [deleteCommand(tenant, mission.id, at)]))
        .resolves.toEqual([expect.objectContaining({ kind: 'deleted', status: 'CANCELLED' })]);
    });

    it('should spare, under finishedBy, a finished mission missing from the retention index', async () => {
      const tenant = newTenant();
      const { mission, at } = await inStatus(tenant, 'COMPLETED');
      await redis.zrem(sut.keysFor(tenant).finishedIn('COMPLETED'), mission.id);
      await expect(sut.deleteMissions(tenant, [deleteCommand(tenant, mission.id, at + 1000)])).resolves.toEqual([{ kind: 'not_expired' }]);
      // A request delete does not need the entry.
      await expect(sut.deleteMissions(tenant, [deleteCommand(tenant, mission.id)]))
        .resolves.toEqual([expect.objectContaining({ kind: 'deleted' })]);
    });

    it('should read again, and delete whole, a mission recreated under the same id between its read and its script', async () => {
      const tenant = newTenant();
      const { mission } = await inStatus(tenant, 'COMPLETED');
      const other = await connect();
      const otherRepository = repositoryOn(other, prefix);
      const pipeline = redis.pipeline.bind(redis);
      let reads = 0;
      // After the first read, another client swaps the mission for a new one of the same id and another name.
      (redis as { pipeline: typeof redis.pipeline }).pipeline = ((...args: Parameters<typeof redis.pipeline>) => {
        const p = pipeline(...args);
        const exec = p.exec.bind(p);
        p.exec = (async () => {
          const replies = await exec();
          if ((reads += 1) === 1) {
            await otherRepository.deleteMissions(tenant, [deleteCommand(tenant, mission.id)]);
            const again = newMission(tenant, { id: mission.id, name: 'Ünïcode RENAMED' });
            await otherRepository.createMission(createCommand(again));
            await otherRepository.changeStatus(changeCommand(tenant, again.id, 'CANCELLED'));
          }
          return replies;
        }) as typeof p.exec;
        return p;
      }) as typeof redis.pipeline;
      let results: DeleteMissionResult[];
      try {
        results = await sut.deleteMissions(tenant, [deleteCommand(tenant, mission.id)]);
      } finally {
        delete (redis as Partial<{ pipeline: unknown }>).pipeline;
      }
      expect(results).toEqual([expect.objectContaining({ kind: 'deleted', status: 'CANCELLED' })]);
      const after = await footprint(tenant);
      expect({ all: after.all, name: after.name, finished: after.finished }).toEqual({ all: [], name: [], finished: [[], [], []] });
      expect((await sut.stats(tenant)).total).toBe(0);
    });

    it('should delete exactly once among 20 concurrent deletes from 5 connections', async () => {
      const tenant = newTenant();
      const { mission } = await inStatus(tenant, 'FAILED');
      const repositories = await Promise.all(Array.from({ length: 5 }, async () => repositoryOn(await connect(), prefix)));
      const results = (await Promise.all(Array.from({ length: 20 }, (_, i) =>
        repositories[i % 5].deleteMissions(tenant, [deleteCommand(tenant, mission.id)])))).flat();
      expect(results.filter((r) => r.kind === 'deleted')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'not_found')).toHaveLength(19);
      expect(await sut.stats(tenant)).toEqual(expect.objectContaining({ total: 0, byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 } }));
      const entries = await redis.xrange(sut.keysFor(tenant).events, '-', '+');
      expect(entries.filter(([, f]) => f[1] === 'mission.deleted')).toHaveLength(1);
    });

    it('should keep stats, indexes and the name index equal to a recount under concurrent creates, moves and deletes', async () => {
      const tenants = [null, `acme-${randomUUID()}`, `we{ird}:${randomUUID()}`];
      const propertyPrefix = `${prefix}prop:`;
      const repositories = await Promise.all(Array.from({ length: 3 }, async () => repositoryOn(await connect(), propertyPrefix)));
      const ids = new Map<string | null, string[]>(tenants.map((t) => [t, []]));
      let seed = 7;
      const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
      const deletedEvents = new Map<string, number>();

      for (let batch = 0; batch < 30; batch += 1) {
        await Promise.all(Array.from({ length: 12 }, async () => {
          const repository = pick(repositories);
          const tenant = pick(tenants);
          const known = ids.get(tenant)!;
          const roll = random();
          if (known.length === 0 || roll < 0.3) {
            const mission = newMission(tenant, { name: pick(['Alpha', 'alpha', 'ÄLPHA', 'beta']) });
            known.push(mission.id);
            await repository.createMission(createCommand(mission));
          } else if (roll < 0.7) {
            await repository.changeStatus(changeCommand(tenant, pick(known), pick(MISSION_STATUSES)));
          } else {
            const id = pick(known);
            const [result] = await repository.deleteMissions(tenant, [deleteCommand(tenant, id)]);
            if (result.kind === 'deleted') deletedEvents.set(`${tenant}/${id}`, (deletedEvents.get(`${tenant}/${id}`) ?? 0) + 1);
          }
        }));
      }

      expect([...deletedEvents.values()].every((n) => n === 1)).toBe(true);
      expect(deletedEvents.size).toBeGreaterThan(5);
      for (const tenant of tenants) {
        const repository = repositories[0];
        const keys = repository.keysFor(tenant);
        const recount = Object.fromEntries(MISSION_STATUSES.map((s) => [s, 0])) as Record<MissionStatus, number>;
        let existing = 0;
        for (const id of new Set(ids.get(tenant))) {
          const mission = await repository.findMission(tenant, id);
          expect(mission === null).toBe(deletedEvents.has(`${tenant}/${id}`));
          if (!mission) continue;
          existing += 1;
          recount[mission.status] += 1;
          if (FINISHED.includes(mission.status as (typeof FINISHED)[number])) {
            expect(await redis.zscore(keys.finishedIn(mission.status), id)).toBe(String(mission.updatedAt));
          }
        }
        const stats = await repository.stats(tenant);
        expect({ total: stats.total, byStatus: stats.byStatus }).toEqual({ total: existing, byStatus: recount });
        for (const status of MISSION_STATUSES) expect(await redis.zcard(keys.byStatus(status))).toBe(recount[status]);
        for (const status of FINISHED) expect(await redis.zcard(keys.finishedIn(status))).toBe(recount[status]);
        expect(await redis.zcard(keys.all)).toBe(existing);
        expect(await redis.zcard(keys.byName)).toBe(existing);
      }
    });
  });
});
