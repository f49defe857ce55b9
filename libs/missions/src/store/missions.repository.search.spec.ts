import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { changeCommand, createCommand, deleteCommand, newMission, newTenant, repositoryOn, traced } from '../../../../test/support/mission-fixtures.js';
import { connectTestRedis, deleteKeys } from '../../../../test/support/redis-test-keys.js';
import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import type { Mission } from '../domain/mission.types.js';
import { nameIndexMember } from './mission-keys.js';
import { MissionsRepository } from './missions.repository.js';
import type { MissionsRedisClient } from './redis-connection.js';

// Real Redis (or the cluster with MISSIONS_TEST_REDIS=cluster), one random prefix per run.
const prefix = `test:repo-search:${randomUUID()}:`;
let redis: MissionsRedisClient;
let sut: MissionsRepository;

async function created(tenantId: string | null, name: string, id: string = randomUUID()): Promise<Mission> {
  const mission = newMission(tenantId, { id, name });
  expect((await sut.createMission(createCommand(mission))).kind).toBe('created');
  return mission;
}

/** The contract's order: lower-cased name, then id, compared as Redis compares members (UTF-8 bytes). */
const byNameThenId = (a: Mission, b: Mission): number =>
  Buffer.compare(Buffer.from(nameIndexMember(a.name, a.id)), Buffer.from(nameIndexMember(b.name, b.id)));

async function searchAll(tenantId: string | null, namePrefix: string, limit: number): Promise<{ names: string[]; ids: string[]; pages: number }> {
  const found: Mission[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await sut.searchMissions({ tenantId, namePrefix, limit, cursor });
    expect(page.missions.length).toBeLessThanOrEqual(limit);
    found.push(...page.missions);
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor);
  return { names: found.map((m) => m.name), ids: found.map((m) => m.id), pages };
}

beforeAll(async () => {
  redis = await connectTestRedis();
  sut = repositoryOn(redis, prefix);
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe(`${MissionsRepository.name} name search`, () => {
  const tenant = newTenant();
  const missions: Mission[] = [];
  const NAMES = [
    'Deploy v2', 'deploy v10', 'DEPLOY API', 'Deploy', 'deployment', 'Dep', 'De', 'Rollback', 'release',
    'Éclair', 'éclair au chocolat', 'ÉCLAIR', 'eclair', 'Straße', 'STRASSE', 'İstanbul', 'istanbul',
    'Δέλτα', 'δέλτα', '🚀 launch', '🚀 LAUNCH 2', 'z\u0000nul in a name', 'Deploy v2',
  ];

  beforeAll(async () => {
    // Same-name pairs too, so ties must fall back to the id.
    for (const [i, name] of NAMES.entries()) missions.push(await created(tenant, name, `m-${String(i % 7)}-${i}`));
    await created(newTenant(), 'Deploy elsewhere');
  });

  const expected = (test: (lowerName: string) => boolean) =>
    missions.filter((m) => test(m.name.toLowerCase())).sort(byNameThenId).map((m) => m.id);

  it.each([
    ['deploy', 'the same letters in any case'],
    ['DEPLOY', 'an upper-case prefix'],
    ['De', 'a short prefix'],
    ['deploy v2', 'a prefix equal to a whole name, with ties'],
    ['éclair', 'non-ASCII letters (JavaScript lower case, not ASCII-only)'],
    ['ÉCL', 'non-ASCII upper case'],
    ['strasse', 'a prefix that only the lower case of one name starts with'],
    ['i̇stanbul', 'the two-unit lower case of İ'],
    ['δέλ', 'Greek'],
    ['🚀', 'an astral-plane character'],
    ['z\u0000nul', 'a NUL inside the prefix'],
  ])('should find %p (%s), ordered by lower-cased name then id', async (namePrefix) => {
    const lower = namePrefix.toLowerCase();
    const page = await sut.searchMissions({ tenantId: tenant, namePrefix, limit: 100 });
    expect(page.missions.map((m) => m.id)).toEqual(expected((name) => name.startsWith(lower)));
    expect(page.missions.length).toBeGreaterThan(0);
    expect(page.nextCursor).toBeNull();
  });

  it('should return whole missions, as findMission does', async () => {
    const page = await sut.searchMissions({ tenantId: tenant, namePrefix: 'rollback', limit: 10 });
    expect(page.missions).toEqual([missions[NAMES.indexOf('Rollback')]]);
  });

  it('should find nothing for a prefix no name starts with, nor across tenants', async () => {
    await expect(sut.searchMissions({ tenantId: tenant, namePrefix: 'deploy v3', limit: 10 })).resolves.toEqual({ missions: [], nextCursor: null });
    await expect(sut.searchMissions({ tenantId: tenant, namePrefix: 'deploy elsewhere', limit: 10 })).resolves.toEqual({ missions: [], nextCursor: null });
    await expect(sut.searchMissions({ tenantId: null, namePrefix: 'deploy', limit: 10 })).resolves.toEqual({ missions: [], nextCursor: null });
  });

  it.each([1, 2, 3, 7])('should page every match exactly once with limit %i', async (limit) => {
    const want = expected((name) => name.startsWith('de'));
    const { ids, pages } = await searchAll(tenant, 'DE', limit);
    expect(ids).toEqual(want);
    expect(pages).toBe(Math.ceil(want.length / limit));
  });

  it('should leave a deleted mission out of the search', async () => {
    const own = newTenant();
    const gone = await created(own, 'Ephemeral');
    await created(own, 'ephemeral too');
    await sut.changeStatus(changeCommand(own, gone.id, 'CANCELLED'));
    expect((await sut.deleteMissions(own, [deleteCommand(own, gone.id)]))[0].kind).toBe('deleted');
    expect((await searchAll(own, 'eph', 10)).names).toEqual(['ephemeral too']);
  });

  describe('cursor', () => {
    let listCursor: string;
    let searchCursor: string;
    beforeAll(async () => {
      listCursor = (await sut.listMissions({ tenantId: tenant, limit: 1 })).nextCursor!;
      searchCursor = (await sut.searchMissions({ tenantId: tenant, namePrefix: 'de', limit: 1 })).nextCursor!;
    });

    it('should refuse a listing cursor in a search, and a search cursor in a listing', async () => {
      await expect(sut.searchMissions({ tenantId: tenant, namePrefix: 'de', limit: 5, cursor: listCursor })).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(sut.listMissions({ tenantId: tenant, limit: 5, cursor: searchCursor })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('should refuse the cursor of a search with another prefix', async () => {
      await expect(sut.searchMissions({ tenantId: tenant, namePrefix: 'ro', limit: 5, cursor: searchCursor })).rejects.toBeInstanceOf(InvalidCursorError);
      // A longer prefix of the same search is another search too, unless its last member matches it.
      await expect(sut.searchMissions({ tenantId: tenant, namePrefix: 'deploy', limit: 5, cursor: searchCursor })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    it.each([
      ['empty', 'n.'],
      ['without its marker', searchCursorBody()],
      ['not base64url', 'n.abc$%'],
      ['no NUL separator', `n.${b64('deploy')}`],
      ['an id the service never issues', `n.${b64('deploy\u0000bad id')}`],
      ['a bound injection', `n.${b64('[de\u0000x')}`],
      ['too long', `n.${'A'.repeat(1001)}`],
    ])('should throw InvalidCursorError for a cursor %s', async (_, cursor) => {
      await expect(sut.searchMissions({ tenantId: tenant, namePrefix: 'de', limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    function searchCursorBody(): string {
      return b64(`de\u0000m-1-1`);
    }
  });

  describe('Redis usage', () => {
    const big = newTenant();
    beforeAll(async () => {
      const pipeline = redis.pipeline();
      // 2000 matching names written straight into the index: the search must not read them all.
      for (let i = 0; i < 2000; i += 1) pipeline.zadd(sut.keysFor(big).byName, 0, nameIndexMember(`Bulk ${i}`, `b-${i}`));
      await pipeline.exec();
      for (let i = 0; i < 5; i += 1) await created(big, `Bulk real ${i}`);
    });

    it('should read one bounded index range and only the page of missions, in 2 round trips', async () => {
      await sut.searchMissions({ tenantId: big, namePrefix: 'bulk', limit: 10 });
      const { writes, commands } = await traced(redis, () => sut.searchMissions({ tenantId: big, namePrefix: 'BULK', limit: 10 }));
      expect(writes).toBe(2);
      expect(commands.map((c) => c.name)).toEqual(['zrange', ...Array(10).fill('hgetall')]);
      expect(commands[0].args.slice(3)).toEqual(['BYLEX', 'LIMIT', '0', '11']);
    });

    it('should cost the same with a cursor deep into the matches', async () => {
      let cursor: string | undefined;
      for (let i = 0; i < 50; i += 1) cursor = (await sut.searchMissions({ tenantId: big, namePrefix: 'bulk', limit: 20, cursor })).nextCursor!;
      const { writes, commands } = await traced(redis, () => sut.searchMissions({ tenantId: big, namePrefix: 'bulk', limit: 20, cursor }));
      expect(writes).toBe(2);
      expect(commands).toHaveLength(21);
    });

    it('should answer a prefix with no match with one command', async () => {
      const { commands } = await traced(redis, () => sut.searchMissions({ tenantId: big, namePrefix: 'nothing here', limit: 100 }));
      expect(commands.map((c) => c.name)).toEqual(['zrange']);
    });
  });
});
