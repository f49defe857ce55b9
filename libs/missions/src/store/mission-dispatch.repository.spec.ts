import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectTestRedis, deleteKeys } from '../../../../test/support/redis-test-keys.js';
import { resolveMissionsOptions } from '../options/missions.options.js';
import { DISPATCH_SHARDS, dispatchShardKeys, homeShard } from './dispatch-keys.js';
import { MissionDispatchRepository, type ClaimedTenant } from './mission-dispatch.repository.js';
import { missionKeys, tenantTag } from './mission-keys.js';
import type { MissionsRedisClient } from './redis-connection.js';

const prefix = `test:dispatch:${randomUUID()}:`;
let redis: MissionsRedisClient;
let sut: MissionDispatchRepository;

beforeAll(async () => {
  redis = await connectTestRedis();
  sut = new MissionDispatchRepository(redis, resolveMissionsOptions({ keyPrefix: prefix, auth: { mode: 'host' }, redis: { client: redis } }));
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

const newTenant = (): string => `tenant-${randomUUID()}`;
const scheduleOf = (tenant: string) => dispatchShardKeys(prefix, homeShard(tenantTag(tenant)));
const claimed = (tenant: string): ClaimedTenant => ({ shard: homeShard(tenantTag(tenant)), tag: tenantTag(tenant), tenantId: tenant });
const seed = async (tenant: string, entries: Record<string, number>) => {
  for (const [id, due] of Object.entries(entries)) await redis.zadd(missionKeys(prefix, tenant).dispatch, due, id);
};

describe(MissionDispatchRepository.name, () => {
  describe('registerTenant', () => {
    it('should schedule the tenant at the earliest due time it registered with', async () => {
      const tenant = newTenant();
      await sut.registerTenant(tenant, 5000, 1000);
      await sut.registerTenant(tenant, 9000, 2000);
      const keys = scheduleOf(tenant);
      expect(await redis.zscore(keys.schedule, tenantTag(tenant))).toBe('5000');
      // The latest registration time, which decides whether a reconciler may drop the tenant.
      expect(await redis.hget(keys.registered, tenantTag(tenant))).toBe('2000');
    });
  });

  describe('claimDueTenants', () => {
    it('should hand a due tenant to one caller only, until the claim ends', async () => {
      const tenant = newTenant();
      const shard = homeShard(tenantTag(tenant));
      await sut.registerTenant(tenant, 1000, 500);
      const [first, second] = await Promise.all([sut.claimDueTenants(shard, 2000, 7000, 1000), sut.claimDueTenants(shard, 2000, 7000, 1000)]);
      const mine = (list: ClaimedTenant[]) => list.filter((t) => t.tenantId === tenant);
      expect([...mine(first), ...mine(second)]).toEqual([{ shard, tag: tenantTag(tenant), tenantId: tenant }]);
      expect(mine(await sut.claimDueTenants(shard, 6999, 9000, 1000))).toEqual([]);
      expect(mine(await sut.claimDueTenants(shard, 7000, 9000, 1000))).toHaveLength(1);
    });

    it('should spread the shards over distinct hash tags', () => {
      const tags = new Set(Array.from({ length: DISPATCH_SHARDS }, (_, shard) => /\{([^}]+)\}/.exec(dispatchShardKeys(prefix, shard).schedule)![1]));
      expect(tags.size).toBe(DISPATCH_SHARDS);
    });
  });

  describe('claimDue', () => {
    it('should hand each due entry to one caller, push it to its next check and tell the earliest left', async () => {
      const tenant = newTenant();
      await seed(tenant, { a: 100, b: 200, c: 300, later: 50_000 });
      const [x, y] = await Promise.all([sut.claimDue(tenant, 1000, 6000, 2), sut.claimDue(tenant, 1000, 6000, 2)]);
      expect([...x.missionIds, ...y.missionIds].sort()).toEqual(['a', 'b', 'c']);
      expect(await redis.zscore(missionKeys(prefix, tenant).dispatch, 'a')).toBe('6000');
      expect(Math.max(x.next!, y.next!)).toBe(6000);
      expect(await sut.claimDue(tenant, 1000, 6000, 10)).toEqual({ missionIds: [], next: 6000 });
    });

    it('should say when the tenant has no entry left', async () => {
      expect(await sut.claimDue(newTenant(), 1000, 6000, 10)).toEqual({ missionIds: [], next: null });
    });
  });

  describe('settleTenant', () => {
    it('should schedule the next look at the earliest entry when it is sooner than the claim', async () => {
      const tenant = newTenant();
      await sut.registerTenant(tenant, 1000, 500);
      await sut.claimDueTenants(claimed(tenant).shard, 2000, 9000, 1000);
      await sut.settleTenant(claimed(tenant), 4000, 0);
      expect(await redis.zscore(scheduleOf(tenant).schedule, tenantTag(tenant))).toBe('4000');
    });

    it('should drop a tenant without entries that did not register since the cutoff', async () => {
      const tenant = newTenant();
      await sut.registerTenant(tenant, 1000, 500);
      await sut.settleTenant(claimed(tenant), null, 501);
      expect(await redis.zscore(scheduleOf(tenant).schedule, tenantTag(tenant))).toBeNull();
      expect(await redis.hget(scheduleOf(tenant).registered, tenantTag(tenant))).toBeNull();
    });

    it('should keep a tenant that registered since the cutoff: its commit may land after the empty read', async () => {
      const tenant = newTenant();
      await sut.registerTenant(tenant, 1000, 500);
      await sut.settleTenant(claimed(tenant), null, 500);
      expect(await redis.zscore(scheduleOf(tenant).schedule, tenantTag(tenant))).toBe('1000');
    });
  });

  describe('extend', () => {
    it('should move only entries that still exist', async () => {
      const tenant = newTenant();
      await seed(tenant, { live: 100 });
      await sut.extend(tenant, ['live', 'ended'], 9000);
      expect(await redis.zrange(missionKeys(prefix, tenant).dispatch, '0', '-1', 'WITHSCORES')).toEqual(['live', '9000']);
    });
  });
});
