import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { keysMatching } from './support/redis-test-keys.js';
import { bearer, token } from './support/tokens.js';

describe('Missions HTTP: Idempotency-Key on create', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'idem' }));
  const otherTenant = bearer(token({ sub: 'zed', tenant_id: 'idem-2' }));
  const total = async (auth = alice): Promise<number> =>
    (await http.get('/api/missions/stats/overview').set(auth)).body.stats.total;

  beforeAll(async () => {
    t = await startMissionsApp('idem');
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  it('should replay the first result for the same key and body, creating nothing', async () => {
    const first = await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-1').send({ name: 'a', data: { x: 1, y: 2 } }).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await total();
    // Same body with keys in another order is the same request.
    const again = await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-1').send({ data: { y: 2, x: 1 }, name: 'a' }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await total()).toBe(before);
  });

  it('should answer 422 for the same key with a different body', async () => {
    await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-2').send({ name: 'a' }).expect(201);
    const before = await total();
    const res = await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-2').send({ name: 'b' }).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422 });
    expect(await total()).toBe(before);
  });

  it('should scope keys to the tenant', async () => {
    const a = await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-3').send({ name: 'a' }).expect(201);
    const b = await http.post('/api/missions').set(otherTenant).set('Idempotency-Key', 'k-3').send({ name: 'a' }).expect(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('should create exactly once among 10 concurrent requests with one key', async () => {
    const before = await total();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-race').send({ name: 'race' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(await total()).toBe(before + 1);
  });

  it('should not remember a request that failed validation', async () => {
    await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-4').send({ name: '' }).expect(400);
    const res = await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-4').send({ name: 'ok' }).expect(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['201 characters', 'k'.repeat(201)],
    ['a tab character', 'bad\tkey'],
  ])('should answer 400 for a key that is %s', async (_label, key) => {
    const before = await total();
    await http.post('/api/missions').set(alice).set('Idempotency-Key', key).send({ name: 'a' }).expect(400);
    expect(await total()).toBe(before);
  });

  it('should expire the key after the TTL it was given', async () => {
    await http.post('/api/missions').set(alice).set('Idempotency-Key', 'k-ttl').send({ name: 'a' }).expect(201);
    const idemKeys = await keysMatching(t.redis, `${t.prefix}*idem:*`);
    const ttls = await Promise.all(idemKeys.map((k) => t.redis.ttl(k)));
    expect(ttls.every((ttl) => ttl > 86_000 && ttl <= 86_400)).toBe(true);
  });
});
