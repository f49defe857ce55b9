import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { PrivateRedis } from './support/private-redis.js';
import { SseClient } from './support/sse-client.js';
import { bearer, token } from './support/tokens.js';

describe('Missions HTTP: rate limit per principal', () => {
  const rateLimit = { points: 3, durationSeconds: 60 };
  let one: MissionsTestApp;
  let two: MissionsTestApp;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'acme' }));
  const list = (t: MissionsTestApp, auth: { Authorization: string }) => request(t.app.getHttpServer()).get('/api/missions').set(auth);

  beforeAll(async () => {
    one = await startMissionsApp('ratelimit', { rateLimit });
    // A second instance on the same Redis and key prefix: another replica of one service.
    two = await startMissionsApp('ratelimit', { rateLimit, keyPrefix: one.prefix });
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('should share one budget across instances and answer 429 with Retry-After once it is spent', async () => {
    await list(one, alice).expect(200);
    await list(two, alice).expect(200);
    await list(one, alice).expect(200);
    const limited = await list(two, alice).expect(429);
    expect(limited.body).toEqual({ statusCode: 429, message: 'Too many requests, retry later', error: 'Too Many Requests' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(rateLimit.durationSeconds);
    await list(one, alice).expect(429);
    // The counter lives in the tenant's hash tag, under the module's key prefix.
    expect(await one.redis.exists(`${one.prefix}rl:{t.acme}:alice`)).toBe(1);
  });

  it('should keep separate budgets per principal, and per tenant for one sub', async () => {
    await list(one, bearer(token({ sub: 'bob', tenant_id: 'acme' }))).expect(200);
    await list(two, bearer(token({ sub: 'alice', tenant_id: 'other' }))).expect(200);
    await list(two, bearer(token({ sub: 'alice' }))).expect(200);
  });

  it('should charge one request for opening an event stream, and answer 429 to opening one over the budget', async () => {
    const dave = bearer(token({ sub: 'dave', tenant_id: 'acme' }));
    await one.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(one.app.getHttpServer().address() as AddressInfo).port}/api/missions`;
    const streams = [await SseClient.connect(`${url}/events`, dave), await SseClient.connect(`${url}/events?access_token=${dave.Authorization.slice(7)}`)];
    try {
      expect(streams.map((s) => s.status)).toEqual([200, 200]);
      await list(one, dave).expect(200);
      const refused = await SseClient.connect(`${url}/events`, dave);
      streams.push(refused);
      await refused.until(() => refused.closed);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(JSON.parse(refused.body)).toEqual({ statusCode: 429, message: 'Too many requests, retry later', error: 'Too Many Requests' });
      expect((await request(one.app.getHttpServer()).get('/api/missions/x/events').set(dave)).status).toBe(429);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('should not limit the public health route, nor count refused tokens against anyone', async () => {
    for (let i = 0; i < 5; i += 1) await request(one.app.getHttpServer()).get('/api/missions/health').expect(200);
    for (let i = 0; i < 5; i += 1) await request(one.app.getHttpServer()).get('/api/missions').expect(401);
  });

  describe('while Redis is down', () => {
    let redis: PrivateRedis;
    let t: MissionsTestApp;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      t = await startMissionsApp('ratelimit-down', { redis: { url: redis.url }, rateLimit: { points: 2, durationSeconds: 60 } });
    });
    afterAll(async () => {
      await t.close();
      await redis.stop();
    });

    it('should fall back to a per-instance budget of the same size', async () => {
      await redis.kill();
      // Within the budget the request reaches the store, which is away: 503, not a free pass to 429.
      await list(t, alice).expect(503);
      await list(t, alice).expect(503);
      await list(t, alice).expect(429);
    });
  });
});
