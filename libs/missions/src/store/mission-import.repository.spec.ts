import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectTestRedis, deleteKeys } from '../../../../test/support/redis-test-keys.js';
import type { Mission, MissionLogEntry } from '../domain/mission.types.js';
import { resolveMissionsOptions } from '../options/missions.options.js';
import { MissionDispatchRepository } from './mission-dispatch.repository.js';
import { MissionImportRepository, type ImportedMission } from './mission-import.repository.js';
import { indexMember, missionKeys, nameIndexMember, retentionTenantsKey, tenantTag } from './mission-keys.js';
import { MissionsRepository } from './missions.repository.js';
import type { MissionsRedisClient } from './redis-connection.js';

const prefix = `test:import-repo:${randomUUID()}:`;
let redis: MissionsRedisClient;
let sut: MissionImportRepository;
let missions: MissionsRepository;

const entry = (n: number): MissionLogEntry => ({ timestamp: 1_700_000_000 + n / 1000, level: 'info', message: `entry ${n}`, data: { n } });
function imported(tenantId: string | null, overrides: Partial<Mission> = {}, log: MissionLogEntry[] = [entry(0)]): ImportedMission {
  return {
    mission: {
      id: randomUUID(), name: 'Deploy v2.0', description: null, data: { env: 'production', list: [] }, status: 'COMPLETED',
      createdAt: 1_700_000_000_123, updatedAt: 1_700_000_009_456, tenantId, createdBy: 'old-service', version: 1, ...overrides,
    },
    log,
  };
}

describe(MissionImportRepository.name, () => {
  beforeAll(async () => {
    redis = await connectTestRedis();
    sut = new MissionImportRepository(redis, prefix);
    const options = resolveMissionsOptions({ keyPrefix: prefix, auth: { mode: 'host' }, redis: { client: redis } });
    missions = new MissionsRepository(redis, options, new MissionDispatchRepository(redis, options));
  });

  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  describe('write', () => {
    it('should write the mission, its indexes, its whole log and count it in the stats', async () => {
      const tenant = `t-${randomUUID()}`;
      const one = imported(tenant, { name: 'ÉLAN Deploy', status: 'FAILED' }, [entry(1), entry(2), entry(3)]);
      expect(await sut.write(tenant, [one])).toEqual(['imported']);
      const { id } = one.mission;
      expect(await missions.findMission(tenant, id)).toEqual(one.mission);
      expect((await missions.readLog(tenant, id, 0, 100))?.entries).toEqual(one.log);
      const keys = missionKeys(prefix, tenant);
      const member = indexMember(one.mission.createdAt, id);
      expect(await redis.zscore(keys.all, member)).toBe('0');
      expect(await redis.zscore(keys.byStatus('FAILED'), member)).toBe('0');
      expect(await redis.zscore(keys.byName, nameIndexMember('ÉLAN Deploy', id))).toBe('0');
      // Finished: in its status's retention index since its last change, its tenant known to the sweeper.
      expect(await redis.zscore(keys.finishedIn('FAILED'), id)).toBe(String(one.mission.updatedAt));
      expect(await redis.zscore(retentionTenantsKey(prefix), tenantTag(tenant))).not.toBeNull();
      expect(await missions.stats(tenant)).toEqual({
        total: 1, byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 1, CANCELLED: 0 }, lastUpdated: one.mission.updatedAt,
      });
    });

    it('should leave a taken id exactly as it was and count nothing', async () => {
      const tenant = `t-${randomUUID()}`;
      const first = imported(tenant);
      await sut.write(tenant, [first]);
      const again = imported(tenant, { id: first.mission.id, name: 'Other', status: 'CANCELLED' }, [entry(9)]);
      expect(await sut.write(tenant, [again, imported(tenant)])).toEqual(['already_present', 'imported']);
      expect(await missions.findMission(tenant, first.mission.id)).toEqual(first.mission);
      expect((await missions.readLog(tenant, first.mission.id, 0, 100))?.entries).toEqual(first.log);
      expect(await sut.counts(tenant)).toEqual({
        stats: { total: 2, byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 2, FAILED: 0, CANCELLED: 0 }, lastUpdated: first.mission.updatedAt },
        indexed: { all: 2, byName: 2, byStatus: { PENDING: 0, RUNNING: 0, COMPLETED: 2, FAILED: 0, CANCELLED: 0 } },
      });
    });

    it('should write a log of any length, in order', async () => {
      const long = Array.from({ length: 10_000 }, (_, n) => entry(n));
      const one = imported(null, {}, long);
      await sut.write(null, [one]);
      expect((await missions.readLog(null, one.mission.id, 0, 20_000))?.entries).toEqual(long);
    });

    it('should keep the newest last_updated of what the tenant held and what arrives', async () => {
      const tenant = `t-${randomUUID()}`;
      await sut.write(tenant, [imported(tenant, { updatedAt: 1_700_000_500_000 }), imported(tenant, { updatedAt: 1_700_000_100_000 })]);
      expect((await missions.stats(tenant)).lastUpdated).toBe(1_700_000_500_000);
    });

    it('should refuse a mission of another tenant before writing anything', async () => {
      const tenant = `t-${randomUUID()}`;
      await expect(sut.write(tenant, [imported(tenant), imported('other')])).rejects.toThrow(RangeError);
      expect((await sut.counts(tenant)).indexed.all).toBe(0);
    });
  });

  it('should keep a PENDING mission out of the retention indexes', async () => {
    const tenant = `t-${randomUUID()}`;
    const one = imported(tenant, { status: 'PENDING' });
    await sut.write(tenant, [one]);
    const keys = missionKeys(prefix, tenant);
    for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) expect(await redis.zcard(keys.finishedIn(status))).toBe(0);
    expect(await redis.zscore(retentionTenantsKey(prefix), tenantTag(tenant))).toBeNull();
  });

  describe('present', () => {
    it('should tell, in order, which ids the tenant holds', async () => {
      const tenant = `t-${randomUUID()}`;
      const one = imported(tenant);
      await sut.write(tenant, [one]);
      expect(await sut.present(tenant, ['nope', one.mission.id])).toEqual([false, true]);
      expect(await sut.present('elsewhere', [one.mission.id])).toEqual([false]);
    });
  });
});
