import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { deleteKeys } from '../../../../test/support/redis-test-keys.js';
import { MissionEventsRepository, trimmedPast } from './mission-events.repository.js';
import { resolveMissionsOptions } from '../options/missions.options.js';

const prefix = `test:events-repo:${randomUUID().slice(0, 8)}:`;
let redis: Redis;
let sut: MissionEventsRepository;
let tenantCounter = 0;

/** A tenant whose stream holds `count` entries written as the scripts write them. */
async function tenantWith(count: number): Promise<{ tenant: string; ids: string[] }> {
  const tenant = `t${++tenantCounter}`;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await redis.xadd(sut.streamKey(tenant), '*', 'type', 'mission.log_appended', 'mission', `m${i}`, 'envelope', `{"n":${i}}`))!);
  }
  return { tenant, ids };
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  sut = new MissionEventsRepository(redis, resolveMissionsOptions({ keyPrefix: prefix, auth: { mode: 'host' }, redis: { client: redis } }));
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe(MissionEventsRepository.name, () => {
  describe('readAfter', () => {
    it('should read up to count entries strictly after the id, by field name', async () => {
      const { tenant, ids } = await tenantWith(4);
      const { events, info } = await sut.readAfter(tenant, ids[0], 2);
      expect(events).toEqual([
        { id: ids[1], type: 'mission.log_appended', missionId: 'm1', envelope: '{"n":1}' },
        { id: ids[2], type: 'mission.log_appended', missionId: 'm2', envelope: '{"n":2}' },
      ]);
      expect(info).toEqual({ first: ids[0], last: ids[3], trimmed: false });
    });

    it('should read nothing, and no stream, for a tenant that never wrote', async () => {
      await expect(sut.readAfter('nobody', '0-0', 10)).resolves.toEqual({ events: [], info: { first: null, last: null, trimmed: false } });
    });
  });

  describe('info', () => {
    it('should tell a trimmed stream, its oldest kept entry and its last generated id', async () => {
      const { tenant, ids } = await tenantWith(5);
      await redis.xtrim(sut.streamKey(tenant), 'MAXLEN', 2);
      await expect(sut.info(tenant)).resolves.toEqual({ first: ids[3], last: ids[4], trimmed: true });
    });
  });

  describe('openBlockingReader', () => {
    it('should wait for the next entry, answer [] on timeout, and hold one named connection until closed', async () => {
      const { tenant, ids } = await tenantWith(1);
      const name = `${prefix.replace(/:/g, '_')}reader`;
      const reader = sut.openBlockingReader(tenant, name);
      try {
        await expect(reader.readAfter(ids[0], 10, 20)).resolves.toEqual([]);
        const pending = reader.readAfter(ids[0], 10, 5000);
        const next = await redis.xadd(sut.streamKey(tenant), '*', 'type', 't', 'mission', 'm', 'envelope', '{}');
        await expect(pending).resolves.toEqual([{ id: next, type: 't', missionId: 'm', envelope: '{}' }]);
        expect(((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=${name} `))).toHaveLength(1);
      } finally {
        const inFlight = reader.readAfter('99999999999999-0', 10, 5000).catch((error: Error) => error);
        reader.close();
        await expect(inFlight).resolves.toBeInstanceOf(Error);
      }
    });
  });
});

describe(trimmedPast.name, () => {
  const info = (first: string | null, trimmed: boolean) => ({ first, last: '9-0', trimmed });

  it('should report a possible loss only when the stream was trimmed past the id', () => {
    expect(trimmedPast(info('5-0', true), '3-0')).toBe(true);
    expect(trimmedPast(info('5-0', true), '5-0')).toBe(false);
    expect(trimmedPast(info('5-0', true), '7-0')).toBe(false);
    expect(trimmedPast(info('5-0', false), '0-0')).toBe(false);
    expect(trimmedPast(info(null, true), '3-0')).toBe(false);
  });
});
