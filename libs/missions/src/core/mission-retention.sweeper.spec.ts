import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  changeCommand, createCommand, deleteCommand, newMission, newTenant, nextTick, traced,
} from '../../../../test/support/mission-fixtures.js';
import { connectTestRedis, deleteKeys } from '../../../../test/support/redis-test-keys.js';
import type { MissionEventEnvelope } from '../domain/mission-events.js';
import { MISSION_STATUSES, type MissionStatus } from '../domain/mission.types.js';
import { MissionRecorder } from '../events/mission-recorder.js';
import { MissionsPublisher } from '../events/missions.publisher.js';
import { resolveMissionsOptions, type MissionsRetentionOptions } from '../options/missions.options.js';
import { retentionTenantsKey, tenantTag } from '../store/mission-keys.js';
import { MissionRetentionRepository } from '../store/mission-retention.repository.js';
import { MissionDispatchRepository } from '../store/mission-dispatch.repository.js';
import { MissionsRepository } from '../store/missions.repository.js';
import type { MissionsRedisClient } from '../store/redis-connection.js';
import { MissionRetentionSweeper } from './mission-retention.sweeper.js';

// Real Redis (or the cluster with MISSIONS_TEST_REDIS=cluster); a prefix per test, so each has its own registry.
const runPrefix = `test:sweeper:${randomUUID()}:`;
const clients: MissionsRedisClient[] = [];
let redis: MissionsRedisClient;

const connect = async (): Promise<MissionsRedisClient> => {
  const client = await connectTestRedis();
  clients.push(client);
  return client;
};

interface Stack {
  sut: MissionRetentionSweeper;
  repository: MissionsRepository;
  /** The mission.deleted events published in-process, in order. */
  deleted: MissionEventEnvelope[];
  prefix: string;
}

function stackOn(client: MissionsRedisClient, prefix: string, retention: MissionsRetentionOptions): Stack {
  const options = resolveMissionsOptions({ keyPrefix: prefix, auth: { mode: 'host' }, redis: { client }, retention });
  const emitter = new EventEmitter2();
  const deleted: MissionEventEnvelope[] = [];
  emitter.on('mission.deleted', (event: MissionEventEnvelope) => deleted.push(event));
  const repository = new MissionsRepository(client, options, new MissionDispatchRepository(client, options));
  const recorder = new MissionRecorder(repository, new MissionsPublisher(emitter));
  const sut = new MissionRetentionSweeper(new MissionRetentionRepository(client, options), recorder, options);
  return { sut, repository, deleted, prefix };
}

let stacks = 0;
const newStack = (retention: MissionsRetentionOptions, client = redis): Stack => stackOn(client, `${runPrefix}${(stacks += 1)}:`, retention);

const PATHS: Record<MissionStatus, MissionStatus[]> = {
  PENDING: [], RUNNING: ['RUNNING'], COMPLETED: ['RUNNING', 'COMPLETED'], FAILED: ['RUNNING', 'FAILED'], CANCELLED: ['CANCELLED'],
};

/** A mission of the tenant moved to `status`; returns its id and when it got there. */
async function inStatus({ repository }: Stack, tenantId: string | null, status: MissionStatus, at?: number) {
  const mission = newMission(tenantId);
  await repository.createMission(createCommand(mission));
  let finishedAt = mission.createdAt;
  for (const to of PATHS[status]) {
    finishedAt = at ?? nextTick();
    expect((await repository.changeStatus(changeCommand(tenantId, mission.id, to, finishedAt))).kind).toBe('changed');
  }
  return { id: mission.id, finishedAt };
}

/** The tenant's counters and indexes against a recount of the missions that exist. */
async function expectStatsEqualRecount({ repository }: Stack, tenantId: string | null, ids: string[]): Promise<number> {
  const keys = repository.keysFor(tenantId);
  const recount = Object.fromEntries(MISSION_STATUSES.map((s) => [s, 0])) as Record<MissionStatus, number>;
  let existing = 0;
  for (const id of new Set(ids)) {
    const mission = await repository.findMission(tenantId, id);
    if (!mission) continue;
    existing += 1;
    recount[mission.status] += 1;
  }
  const stats = await repository.stats(tenantId);
  expect({ total: stats.total, byStatus: stats.byStatus }).toEqual({ total: existing, byStatus: recount });
  for (const status of MISSION_STATUSES) expect(await redis.zcard(keys.byStatus(status))).toBe(recount[status]);
  for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) expect(await redis.zcard(keys.finishedIn(status))).toBe(recount[status]);
  expect(await redis.zcard(keys.all)).toBe(existing);
  expect(await redis.zcard(keys.byName)).toBe(existing);
  return existing;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  redis = await connect();
});

afterAll(async () => {
  await deleteKeys(redis, runPrefix);
  await Promise.all(clients.map((client) => client.quit()));
});

describe(MissionRetentionSweeper.name, () => {
  describe('sweep', () => {
    it('should delete the missions past their status age, and keep the rest and statuses without an age', async () => {
      const stack = newStack({ COMPLETED: 60, FAILED: 120 });
      const tenant = newTenant();
      const t = nextTick();
      const completed = await inStatus(stack, tenant, 'COMPLETED', t);
      const failed = await inStatus(stack, tenant, 'FAILED', t);
      const cancelled = await inStatus(stack, tenant, 'CANCELLED', t);
      const running = await inStatus(stack, tenant, 'RUNNING', t);
      const pending = await inStatus(stack, tenant, 'PENDING');
      const ids = [completed, failed, cancelled, running, pending].map((m) => m.id);
      const exists = async () => Promise.all(ids.map(async (id) => (await stack.repository.findMission(tenant, id)) !== null));

      await expect(stack.sut.sweep(t + 60_000 - 1)).resolves.toEqual({ tenants: 1, deleted: 0 });
      expect(await exists()).toEqual([true, true, true, true, true]);
      await expect(stack.sut.sweep(t + 60_000)).resolves.toEqual({ tenants: 1, deleted: 1 });
      expect(await exists()).toEqual([false, true, true, true, true]);
      await stack.sut.sweep(t + 120_000);
      expect(await exists()).toEqual([false, false, true, true, true]);
      await stack.sut.sweep(t + 10 ** 9);
      expect(await exists()).toEqual([false, false, true, true, true]);

      await expectStatsEqualRecount(stack, tenant, ids);
      await flush();
      expect(stack.deleted.map((e) => [e.payload.mission_id, e.payload.status, e.payload.reason, e.meta]))
        .toEqual([[completed.id, 'COMPLETED', 'retention', { tenant_id: tenant, principal_id: null }],
          [failed.id, 'FAILED', 'retention', { tenant_id: tenant, principal_id: null }]]);
      const stream = await redis.xrange(stack.repository.keysFor(tenant).events, '-', '+');
      expect(stream.filter(([, f]) => f[1] === 'mission.deleted').map(([, f]) => JSON.parse(f[5]) as MissionEventEnvelope))
        .toEqual(stack.deleted);
    });

    it('should do nothing when retention is off', async () => {
      const stack = newStack({});
      const tenant = newTenant();
      const { id } = await inStatus(stack, tenant, 'COMPLETED');
      await expect(stack.sut.sweep(Date.now() + 10 ** 12)).resolves.toEqual({ tenants: 0, deleted: 0 });
      expect(await stack.repository.findMission(tenant, id)).not.toBeNull();
    });

    it('should delete at most batchSize missions per sweep, oldest first, and keep the tenant due meanwhile', async () => {
      const stack = newStack({ CANCELLED: 1, batchSize: 5 });
      const tenant = newTenant();
      const finished = [];
      for (let i = 0; i < 12; i += 1) finished.push(await inStatus(stack, tenant, 'CANCELLED'));
      const now = finished.at(-1)!.finishedAt + 1000;
      const outcomes = [];
      for (let i = 0; i < 4; i += 1) outcomes.push((await stack.sut.sweep(now)).deleted);
      expect(outcomes).toEqual([5, 5, 2, 0]);
      await flush();
      expect(stack.deleted.map((e) => e.payload.mission_id)).toEqual(finished.map((m) => m.id));
      await expectStatsEqualRecount(stack, tenant, finished.map((m) => m.id));
    });

    it('should sweep every registered tenant, at most tenantsPerSweep at a time', async () => {
      const stack = newStack({ FAILED: 10, tenantsPerSweep: 2 });
      const tenants = [null, newTenant(), newTenant(), 'we{ird}:tenant', newTenant()];
      const ids = new Map<string | null, string>();
      let last = 0;
      for (const tenant of tenants) {
        const { id, finishedAt } = await inStatus(stack, tenant, 'FAILED');
        ids.set(tenant, id);
        last = finishedAt;
      }
      const outcomes = [];
      for (let i = 0; i < 4; i += 1) outcomes.push(await stack.sut.sweep(last + 10_000));
      expect(outcomes).toEqual([{ tenants: 2, deleted: 2 }, { tenants: 2, deleted: 2 }, { tenants: 1, deleted: 1 }, { tenants: 0, deleted: 0 }]);
      for (const tenant of tenants) expect(await stack.repository.findMission(tenant, ids.get(tenant)!)).toBeNull();
    });

    it('should skip a registry member that is no tenant tag and sweep the others', async () => {
      const stack = newStack({ CANCELLED: 1 });
      await redis.zadd(retentionTenantsKey(stack.prefix), '0', 'garbage', '0', 't.%E0%A4%A');
      const tenant = newTenant();
      const { id, finishedAt } = await inStatus(stack, tenant, 'CANCELLED');
      await expect(stack.sut.sweep(finishedAt + 1000)).resolves.toEqual({ tenants: 1, deleted: 1 });
      expect(await stack.repository.findMission(tenant, id)).toBeNull();
    });

    it('should not look at a tenant again before one of its missions can expire', async () => {
      const stack = newStack({ COMPLETED: 100, CANCELLED: 30 });
      const tenant = newTenant();
      const { finishedAt } = await inStatus(stack, tenant, 'COMPLETED');
      const registry = retentionTenantsKey(stack.prefix);
      await stack.sut.sweep(finishedAt + 1);
      // The COMPLETED one expires at +100 s, but one CANCELLED from now on may expire sooner: +30 s.
      expect(Number(await redis.zscore(registry, tenantTag(tenant)))).toBe(finishedAt + 1 + 30_000);
      await expect(stack.sut.sweep(finishedAt + 30_000)).resolves.toEqual({ tenants: 0, deleted: 0 });
      await expect(stack.sut.sweep(finishedAt + 30_001)).resolves.toEqual({ tenants: 1, deleted: 0 });
      expect(Number(await redis.zscore(registry, tenantTag(tenant)))).toBe(finishedAt + 30_001 + 30_000);
      await stack.sut.sweep(finishedAt + 90_002);
      expect(Number(await redis.zscore(registry, tenantTag(tenant)))).toBe(finishedAt + 100_000);
      await expect(stack.sut.sweep(finishedAt + 100_000)).resolves.toEqual({ tenants: 1, deleted: 1 });
    });

    it('should cost O(expired): the same Redis commands whatever the number of missions not yet expired', async () => {
      const stack = newStack({ COMPLETED: 60, batchSize: 100 });
      const tenant = newTenant();
      const t = nextTick();
      const expired = [];
      for (let i = 0; i < 3; i += 1) expired.push(await inStatus(stack, tenant, 'COMPLETED', t));
      // 5000 finished later, written straight into the retention index: the sweep must not read them.
      const pipeline = redis.pipeline();
      const index = stack.repository.keysFor(tenant).finishedIn('COMPLETED');
      for (let i = 0; i < 5000; i += 1) pipeline.zadd(index, t + 1000 + i, `later-${i}`);
      await pipeline.exec();

      const { result, commands, writes } = await traced(redis, () => stack.sut.sweep(t + 60_000));
      expect(result).toEqual({ tenants: 1, deleted: 3 });
      // Claim; due + next per aged status; the deletes' read and scripts; the schedule.
      // (A script's first run on a connection is an EVAL, later ones EVALSHA.)
      expect(commands.map((c) => c.name.replace('evalsha', 'eval')))
        .toEqual(['eval', 'zrange', 'zrange', 'hmget', 'hmget', 'hmget', 'eval', 'eval', 'eval', 'zadd']);
      expect(writes).toBe(5);
      for (const zrange of commands.filter((c) => c.name === 'zrange')) expect(zrange.args).toContain('LIMIT');
    });
  });

  describe('sweep by many processes with writes going on', () => {
    it('should delete every expired mission exactly once and keep stats equal to a recount', async () => {
      const prefix = `${runPrefix}race:`;
      const retention = { COMPLETED: 5, FAILED: 5, CANCELLED: 5, batchSize: 7, tenantsPerSweep: 2 };
      const stacks = await Promise.all(Array.from({ length: 4 }, async () => stackOn(await connect(), prefix, retention)));
      const tenants = [null, newTenant(), newTenant()];
      const ids = new Map<string | null, string[]>(tenants.map((t) => [t, []]));
      const t = nextTick();
      for (const [i, tenant] of tenants.entries()) {
        for (let k = 0; k < 15; k += 1) {
          const { id } = await inStatus(stacks[k % 4], tenant, (['COMPLETED', 'FAILED', 'CANCELLED'] as const)[(i + k) % 3], t);
          ids.get(tenant)!.push(id);
        }
      }
      const requestDeleted: string[] = [];
      const writer = async (stack: Stack, tenant: string | null) => {
        for (let k = 0; k < 12; k += 1) {
          const known = ids.get(tenant)!;
          if (k % 3 === 0) {
            // A user deleting a mission the sweepers are after.
            const id = known[(k * 7) % known.length];
            const [result] = await stack.repository.deleteMissions(tenant, [deleteCommand(tenant, id)]);
            if (result.kind === 'deleted') requestDeleted.push(id);
          } else {
            const { id } = await inStatus(stack, tenant, k % 2 === 0 ? 'RUNNING' : 'CANCELLED');
            known.push(id);
          }
        }
      };
      // Sweeps 61 s apart in time overlap for real: each sees the other's leased tenants due again.
      const sweeper = async (stack: Stack, n: number) => {
        for (let k = 0; k < 8; k += 1) await stack.sut.sweep(t + 5000 + n * 61_000);
      };
      await Promise.all([
        ...stacks.map((stack, n) => sweeper(stack, n)),
        ...tenants.map((tenant, i) => writer(stacks[i % 4], tenant)),
      ]);
      await flush();

      const swept = stacks.flatMap((stack) => stack.deleted.filter((e) => e.payload.reason === 'retention').map((e) => e.payload.mission_id as string));
      const all = [...swept, ...requestDeleted];
      expect(new Set(all).size).toBe(all.length);
      // Every mission finished at t is gone, by exactly one sweeper or by a request.
      for (const tenant of tenants) {
        const existing = await expectStatsEqualRecount(stacks[0], tenant, ids.get(tenant)!);
        expect(existing).toBe(new Set(ids.get(tenant)).size - ids.get(tenant)!.filter((id) => all.includes(id)).length);
        for (const id of ids.get(tenant)!.slice(0, 15)) expect(await stacks[0].repository.findMission(tenant, id)).toBeNull();
      }
    });
  });
});
