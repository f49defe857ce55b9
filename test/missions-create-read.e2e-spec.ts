import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

describe('Missions HTTP: create, get, list', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'acme' }));
  const bob = bearer(token({ sub: 'bob', tenant_id: 'globex' }));
  const noTenant = bearer(token({ sub: 'carol' }));

  beforeAll(async () => {
    t = await startMissionsApp('crud');
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  const create = (body: object, auth = alice) => http.post('/api/missions').set(auth).send(body);

  describe('GET /health', () => {
    it('should answer without a token', async () => {
      await http.get('/api/missions/health').expect(200, { status: 'ok' });
    });
  });

  describe('POST /', () => {
    it('should create a PENDING mission with the contract shape', async () => {
      const before = Date.now() / 1000;
      const res = await create({ name: 'Deploy v2.0', description: 'Deploy new version', data: { env: 'production' } }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Deploy v2.0',
        description: 'Deploy new version',
        data: { env: 'production' },
        status: 'PENDING',
        created_at: expect.any(Number),
        updated_at: res.body.created_at,
        tenant_id: 'acme',
        created_by: 'alice',
        version: 1,
      });
      expect(res.body.created_at).toBeGreaterThanOrEqual(Math.floor(before));
      expect(res.body.created_at).toBeLessThan(1e11); // seconds, not milliseconds
    });

    it('should default description to null and data to {} and keep data exactly', async () => {
      const res = await create({ name: 'x' }).expect(201);
      expect(res.body.description).toBeNull();
      expect(res.body.data).toEqual({});
      const data = { list: [], nested: { a: [1, 2.5, 'x'] }, big: 12345678901234, flag: false };
      const withData = await create({ name: 'y', data }).expect(201);
      const fetched = await http.get(`/api/missions/${withData.body.id}`).set(alice).expect(200);
      expect(fetched.body.data).toEqual(data);
    });

    it('should accept a client id and answer 409 when it exists in the tenant', async () => {
      await create({ id: 'job-1', name: 'first' }).expect(201);
      const res = await create({ id: 'job-1', name: 'second' }).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      const kept = await http.get('/api/missions/job-1').set(alice).expect(200);
      expect(kept.body.name).toBe('first');
    });

    it('should let another tenant use the same id', async () => {
      await create({ id: 'shared-id', name: 'acme one' }).expect(201);
      await create({ id: 'shared-id', name: 'globex one' }, bob).expect(201);
      expect((await http.get('/api/missions/shared-id').set(bob)).body.name).toBe('globex one');
      expect((await http.get('/api/missions/shared-id').set(alice)).body.name).toBe('acme one');
    });

    it.each([
      ['a missing name', {}, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a 201-character name', { name: 'x'.repeat(201) }, 'name'],
      ['a name of 101 emoji (202 UTF-16 units)', { name: '😀'.repeat(101) }, 'name'],
      ['a non-string name', { name: 42 }, 'name'],
      ['a 4001-character description', { name: 'n', description: 'd'.repeat(4001) }, 'description'],
      ['data as an array', { name: 'n', data: [1, 2] }, 'data'],
      ['data as null', { name: 'n', data: null }, 'data'],
      ['data as a string', { name: 'n', data: 'x' }, 'data'],
      ['data over 64 KiB', { name: 'n', data: { blob: 'x'.repeat(64 * 1024) } }, 'data'],
      ['an id with a slash', { name: 'n', id: 'a/b' }, 'id'],
      ['an id starting with a dot', { name: 'n', id: '.a' }, 'id'],
      ['a 129-character id', { name: 'n', id: 'a'.repeat(129) }, 'id'],
      ['the reserved id Health', { name: 'n', id: 'Health' }, 'id'],
      ['the reserved id stats', { name: 'n', id: 'stats' }, 'id'],
      ['the reserved id EVENTS', { name: 'n', id: 'EVENTS' }, 'id'],
      ['a status field (no mass assignment)', { name: 'n', status: 'COMPLETED' }, 'status'],
      ['a tenant_id field', { name: 'n', tenant_id: 'other' }, 'tenant_id'],
      ['a created_by field', { name: 'n', created_by: 'mallory' }, 'created_by'],
    ])('should answer 400 naming the field for %s', async (_label, body, field) => {
      const res = await create(body).expect(400);
      expect(res.body.statusCode).toBe(400);
      expect(res.body.error).toBe('Bad Request');
      expect(Array.isArray(res.body.message)).toBe(true);
      expect((res.body.message as string[]).some((m) => m.includes(field))).toBe(true);
    });

    it('should accept a 200-character name and 64 KiB of data exactly', async () => {
      const blob = 'x'.repeat(64 * 1024 - '{"blob":""}'.length);
      await create({ name: 'x'.repeat(200), data: { blob } }).expect(201);
    });

    it('should answer 400 for malformed JSON', async () => {
      const res = await http.post('/api/missions').set(alice).set('Content-Type', 'application/json').send('{"name": ').expect(400);
      expect(res.body.statusCode).toBe(400);
    });

    it('should not write anything for a refused body', async () => {
      const before = (await http.get('/api/missions/stats/overview').set(alice)).body.stats.total;
      await create({ name: 'n', status: 'RUNNING' }).expect(400);
      const after = (await http.get('/api/missions/stats/overview').set(alice)).body.stats.total;
      expect(after).toBe(before);
    });
  });

  describe('GET /:id', () => {
    it('should answer 404 "Mission not found" for an unknown id', async () => {
      const res = await http.get('/api/missions/nope').set(alice).expect(404);
      expect(res.body).toEqual({ statusCode: 404, message: 'Mission not found', error: 'Not Found' });
    });

    it('should answer 404 for another tenant\'s mission, exactly as for an unknown id', async () => {
      const { body } = await create({ name: 'secret' }).expect(201);
      const other = await http.get(`/api/missions/${body.id}`).set(bob).expect(404);
      expect(other.body).toEqual({ statusCode: 404, message: 'Mission not found', error: 'Not Found' });
      await http.get(`/api/missions/${body.id}`).set(noTenant).expect(404);
    });
  });

  describe('GET /', () => {
    const tenant = bearer(token({ sub: 'lister', tenant_id: 'list-tenant' }));
    const ids: string[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 7; i++) ids.push((await create({ id: `m-${i}`, name: `m${i}` }, tenant).expect(201)).body.id);
      await http.post('/api/missions/m-3/cancel').set(tenant).expect(200);
    });

    it('should list newest first with a null cursor on the last page', async () => {
      const res = await http.get('/api/missions').set(tenant).expect(200);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.missions.map((m: { id: string }) => m.id)).toEqual([...ids].reverse());
    });

    it('should page with the cursor through every mission exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await http.get('/api/missions').query({ limit: 3, ...(cursor ? { cursor } : {}) }).set(tenant).expect(200);
        expect(res.body.missions.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.missions.map((m: { id: string }) => m.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
    });

    it('should filter by status', async () => {
      const cancelled = await http.get('/api/missions?status=CANCELLED').set(tenant).expect(200);
      expect(cancelled.body.missions.map((m: { id: string }) => m.id)).toEqual(['m-3']);
      const pending = await http.get('/api/missions?status=PENDING').set(tenant).expect(200);
      expect(pending.body.missions).toHaveLength(6);
    });

    it('should list only the caller\'s tenant', async () => {
      const res = await http.get('/api/missions').set(bob).expect(200);
      expect(res.body.missions.every((m: { tenant_id: string }) => m.tenant_id === 'globex')).toBe(true);
    });

    it.each([
      ['status=DONE', 'status'],
      ['status=pending', 'status'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['unknown=1', 'unknown'],
    ])('should answer 400 for %s', async (query, field) => {
      const res = await http.get(`/api/missions?${query}`).set(tenant).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    });

    it('should accept limit=1000 and limit=1', async () => {
      await http.get('/api/missions?limit=1000').set(tenant).expect(200);
      const one = await http.get('/api/missions?limit=1').set(tenant).expect(200);
      expect(one.body.missions).toHaveLength(1);
      expect(one.body.next_cursor).toEqual(expect.any(String));
    });
  });
});
