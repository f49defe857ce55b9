import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import type { MissionEventEnvelope } from '../libs/missions/src/domain/mission-events.js';
import { MissionHandlerRegistry } from '../libs/missions/src/execution/mission-handler.registry.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

type Http = ReturnType<typeof request>;

const tenantBearer = (tenant: string, sub = 'alice') => bearer(token({ sub, tenant_id: tenant }));
const create = async (http: Http, auth: Record<string, string>, body: object = { name: 'm' }): Promise<string> =>
  (await http.post('/api/missions').set(auth).send(body).expect(201)).body.id;

describe('Missions HTTP: DELETE and name search', () => {
  let t: MissionsTestApp;
  let http: Http;
  const events: MissionEventEnvelope[] = [];
  const tenant = `del-${randomUUID()}`;
  const alice = tenantBearer(tenant);
  const stranger = tenantBearer(`other-${randomUUID()}`, 'mallory');

  beforeAll(async () => {
    t = await startMissionsApp('del', { demoStepMs: 5 });
    http = request(t.app.getHttpServer());
    t.app.get(EventEmitter2).on('mission.deleted', (event: MissionEventEnvelope) => events.push(event));
    // Runs until the app closes: a mission that stays RUNNING.
    t.app.get(MissionHandlerRegistry).register('hold', ({ signal }) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve({}), { once: true })));
  });
  afterAll(() => t.close());

  const stats = async (auth = alice) => (await http.get('/api/missions/stats/overview').set(auth).expect(200)).body.stats;

  describe('DELETE /:id', () => {
    it('should delete a COMPLETED mission: 204 without a body, then 404 everywhere, stats and event follow', async () => {
      const id = await create(http, alice);
      await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
      await eventually(async () => (await http.get(`/api/missions/${id}`).set(alice)).body.status === 'COMPLETED');
      const before = await stats();

      const res = await http.delete(`/api/missions/${id}`).set(alice).expect(204);
      expect(res.text).toBe('');

      await http.get(`/api/missions/${id}`).set(alice).expect(404);
      await http.get(`/api/missions/${id}/log`).set(alice).expect(404);
      await http.delete(`/api/missions/${id}`).set(alice).expect(404);
      const after = await stats();
      expect(after.total).toBe(before.total - 1);
      expect(after.by_status.COMPLETED).toBe(before.by_status.COMPLETED - 1);
      expect(after.last_updated).toBeGreaterThanOrEqual(before.last_updated);
      const listed = (await http.get('/api/missions?limit=1000').set(alice).expect(200)).body.missions.map((m: { id: string }) => m.id);
      expect(listed).not.toContain(id);
      const event = await eventually(async () => events.find((e) => e.payload.mission_id === id));
      expect(event).toMatchObject({
        type: 'mission.deleted', target: `mission_${id}`, source: 'missions_service',
        payload: { mission_id: id, status: 'COMPLETED', reason: 'request' }, meta: { tenant_id: tenant, principal_id: 'alice' },
      });
      expect(event.payload.deleted_at).toBe(event.timestamp);
    });

    it('should delete a CANCELLED mission, and let its id be used again', async () => {
      const id = await create(http, alice, { id: `again-${randomUUID()}`, name: 'first' });
      await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
      await http.delete(`/api/missions/${id}`).set(alice).expect(204);
      const again = await http.post('/api/missions').set(alice).send({ id, name: 'second' }).expect(201);
      expect(again.body).toMatchObject({ id, name: 'second', status: 'PENDING', version: 1 });
      const log = (await http.get(`/api/missions/${id}/log`).set(alice).expect(200)).body.log;
      expect(log).toHaveLength(1);
    });

    it.each(['PENDING', 'RUNNING'])('should answer 409 for a %s mission and keep it', async (status) => {
      const id = await create(http, alice, { name: 'busy', data: { type: 'hold' } });
      if (status === 'RUNNING') {
        await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
        await eventually(async () => (await http.get(`/api/missions/${id}`).set(alice)).body.status === 'RUNNING');
      }
      const before = await stats();
      const res = await http.delete(`/api/missions/${id}`).set(alice).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(res.body.message).toContain(status);
      expect((await http.get(`/api/missions/${id}`).set(alice).expect(200)).body.status).toBe(status);
      expect(await stats()).toEqual({ ...before, last_updated: before.last_updated });
    });

    it("should answer 404 for an unknown id and for another tenant's mission, which stays", async () => {
      const id = await create(http, alice);
      await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
      const res = await http.delete(`/api/missions/${id}`).set(stranger).expect(404);
      expect(res.body).toEqual({ statusCode: 404, message: 'Mission not found', error: 'Not Found' });
      await http.delete(`/api/missions/nope-${randomUUID()}`).set(alice).expect(404);
      await http.get(`/api/missions/${id}`).set(alice).expect(200);
    });

    it('should answer 401 without a token', async () => {
      await http.delete('/api/missions/whatever').expect(401);
    });
  });

  describe('GET /?name_prefix=', () => {
    const searcher = tenantBearer(`search-${randomUUID()}`);
    const names = ['Deploy API', 'deploy web', 'DEPLOY db', 'Rollback', 'Éclair', 'éclair 2'];
    const ids = new Map<string, string>();
    beforeAll(async () => {
      for (const name of names) ids.set(name, await create(http, searcher, { name }));
      await create(http, alice, { name: 'deploy of another tenant' });
    });

    const search = (query: string, auth = searcher) => http.get(`/api/missions?${query}`).set(auth);

    it('should find names by prefix in any case, ordered by lower-cased name then id', async () => {
      const res = await search('name_prefix=DePlOy').expect(200);
      expect(res.body.missions.map((m: { name: string }) => m.name)).toEqual(['Deploy API', 'DEPLOY db', 'deploy web']);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.missions[1]).toMatchObject({ id: ids.get('DEPLOY db'), status: 'PENDING', tenant_id: expect.any(String) });
      const accents = await search(`name_prefix=${encodeURIComponent('ÉCLAIR')}`).expect(200);
      expect(accents.body.missions.map((m: { name: string }) => m.name)).toEqual(['Éclair', 'éclair 2']);
    });

    it('should page with limit and cursor', async () => {
      const first = await search('name_prefix=d&limit=2').expect(200);
      expect(first.body.missions).toHaveLength(2);
      const second = await search(`name_prefix=d&limit=2&cursor=${first.body.next_cursor}`).expect(200);
      expect(second.body.missions.map((m: { name: string }) => m.name)).toEqual(['deploy web']);
      expect(second.body.next_cursor).toBeNull();
    });

    it('should not show a deleted mission', async () => {
      const id = ids.get('Rollback')!;
      await http.post(`/api/missions/${id}/cancel`).set(searcher).expect(200);
      await http.delete(`/api/missions/${id}`).set(searcher).expect(204);
      expect((await search('name_prefix=roll').expect(200)).body.missions).toEqual([]);
    });

    it.each([
      ['an empty prefix', 'name_prefix=', 'name_prefix'],
      ['a prefix over 200 characters', `name_prefix=${'x'.repeat(201)}`, 'name_prefix'],
      ['a prefix with a status', 'name_prefix=d&status=PENDING', 'name_prefix cannot be combined with status'],
      ['a limit out of range', 'name_prefix=d&limit=0', 'limit'],
    ])('should answer 400 for %s', async (_, query, field) => {
      const res = await search(query).expect(400);
      expect(res.body.message.join(' ')).toContain(field);
    });

    it('should refuse a listing cursor in a search and a search cursor in a listing', async () => {
      const listCursor = (await search('limit=1').expect(200)).body.next_cursor;
      const searchCursor = (await search('name_prefix=d&limit=1').expect(200)).body.next_cursor;
      expect(listCursor).toEqual(expect.any(String));
      await search(`name_prefix=d&cursor=${listCursor}`).expect(400);
      await search(`limit=5&cursor=${searchCursor}`).expect(400);
      await search(`name_prefix=r&cursor=${searchCursor}`).expect(400);
    });
  });
});

describe('Missions HTTP: retention', () => {
  let t: MissionsTestApp;
  let http: Http;
  const events: MissionEventEnvelope[] = [];

  beforeAll(async () => {
    t = await startMissionsApp('retention', { retention: { CANCELLED: 1, sweepIntervalMs: 50 } });
    http = request(t.app.getHttpServer());
    t.app.get(EventEmitter2).on('mission.deleted', (event: MissionEventEnvelope) => events.push(event));
  });
  afterAll(() => t.close());

  it('should delete a CANCELLED mission about a second after it finished, and keep a PENDING one', async () => {
    const auth = tenantBearer(`ret-${randomUUID()}`);
    const gone = await create(http, auth);
    const kept = await create(http, auth);
    await http.post(`/api/missions/${gone}/cancel`).set(auth).expect(200);
    await http.get(`/api/missions/${gone}`).set(auth).expect(200);

    const event = await eventually(async () => events.find((e) => e.payload.mission_id === gone), 10_000);
    expect(event.payload).toMatchObject({ status: 'CANCELLED', reason: 'retention' });
    expect(event.meta.principal_id).toBeNull();
    await http.get(`/api/missions/${gone}`).set(auth).expect(404);
    await http.get(`/api/missions/${kept}`).set(auth).expect(200);
    const stats = (await http.get('/api/missions/stats/overview').set(auth).expect(200)).body.stats;
    expect(stats).toMatchObject({ total: 1, by_status: { PENDING: 1, CANCELLED: 0 } });
  });
});
