import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { MetricsModule } from '../src/metrics/metrics.module.js';
import { MissionsRepository } from '../libs/missions/src/store/missions.repository.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { PrivateRedis } from './support/private-redis.js';
import { seriesValue } from './support/prometheus-text.js';
import { bearer, token } from './support/tokens.js';

// The bound; the client's 500 ms command timeout keeps well inside it.
const FAIL_FAST_MS = 1000;

describe('Missions HTTP while Redis is away', () => {
  let redis: PrivateRedis;
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  let spy: Redis;
  const auth = bearer(token({ sub: 'ops', tenant_id: 'outage' }));
  const figures: string[] = [];

  const timed = async (send: () => request.Test) => {
    const started = performance.now();
    const res = await send();
    return { res, ms: performance.now() - started };
  };
  const create = (id: string) => http.post('/api/missions').set(auth).send({ id, name: id });
  /** Polls until the app serves reads again, and says how long that took. */
  const recovery = async (id: string) => {
    const started = performance.now();
    await eventually(async () => (await http.get(`/api/missions/${id}`).set(auth)).status === 200, 10_000);
    return performance.now() - started;
  };
  const expectUnavailable = ({ res, ms }: { res: request.Response; ms: number }) => {
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ statusCode: 503, message: 'Mission store unavailable, retry later', error: 'Service Unavailable' });
    expect(res.headers['retry-after']).toBe('1');
    expect(ms).toBeLessThan(FAIL_FAST_MS);
  };
  /** Stats, index and documents agree: no write was applied by half. */
  const expectConsistent = async () => {
    const keys = t.app.get(MissionsRepository).keysFor('outage');
    const [total, indexed] = await Promise.all([spy.hget(keys.stats, 'total'), spy.zcard(keys.all)]);
    expect(Number(total)).toBe(indexed);
  };

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // With the rate limit on, as in production: its Redis round trip is on the request path too.
    const rateLimit = { points: 1000, durationSeconds: 60 };
    t = await startMissionsApp('outage', { redis: { url: redis.url }, rateLimit }, [MetricsModule.forRoot({})]);
    http = request(t.app.getHttpServer());
    spy = new Redis(redis.url, { retryStrategy: () => 20 });
  });
  afterAll(async () => {
    spy.disconnect();
    await t.close();
    await redis.stop();
    if (figures.length > 0) console.log(`Redis outage figures: ${figures.join('; ')}`);
  });

  it('should answer 503 within 1 s while Redis hangs, then serve again after it resumes', async () => {
    await create('before-hang').expect(201);
    redis.pause();
    try {
      const read = await timed(() => http.get('/api/missions/before-hang').set(auth));
      expectUnavailable(read);
      const write = await timed(() => create('during-hang'));
      expectUnavailable(write);
      expectUnavailable(await timed(() => http.get('/api/missions/stats/overview').set(auth)));
      figures.push(`hang: read 503 in ${read.ms.toFixed(0)} ms, write 503 in ${write.ms.toFixed(0)} ms`);
    } finally {
      redis.resume();
    }
    const ms = await recovery('before-hang');
    figures.push(`hang: serving again ${ms.toFixed(0)} ms after SIGCONT`);
    await create('after-hang').expect(201);
    // The timed-out create had an unknown outcome: it was sent, so it may have run, but whole.
    await expectConsistent();
  });

  it('should answer 503 at once while Redis is down, reconnect by itself, and keep every acknowledged write', async () => {
    await create('before-kill').expect(201);
    await redis.kill();
    const read = await timed(() => http.get('/api/missions/before-kill').set(auth));
    expectUnavailable(read);
    const write = await timed(() => create('during-kill'));
    expectUnavailable(write);
    figures.push(`down: read 503 in ${read.ms.toFixed(0)} ms, write 503 in ${write.ms.toFixed(0)} ms`);
    // Resuming an event stream reads Redis before the stream opens: same 503, not a 500.
    expectUnavailable(await timed(() => http.get('/api/missions/events').set(auth).set('Last-Event-ID', '0-0')));

    const restarted = performance.now();
    await redis.restart();
    const ms = await recovery('before-kill');
    figures.push(`down: serving again ${(performance.now() - restarted).toFixed(0)} ms after restart (${ms.toFixed(0)} ms after it answered PING)`);

    for (const id of ['before-hang', 'after-hang', 'before-kill']) await http.get(`/api/missions/${id}`).set(auth).expect(200);
    // Refused before it reached Redis: nothing of it exists.
    await http.get('/api/missions/during-kill').set(auth).expect(404);
    await create('after-kill').expect(201);
    await expectConsistent();
  });

  it('should have counted the failed Redis commands by operation', async () => {
    const text = (await http.get('/metrics').expect(200)).text;
    const errors = (operation: string) => seriesValue(text, `missions_redis_command_errors_total{operation="${operation}",kind="unavailable"}`);
    // Two outages: each saw a failed create (the stats read only in the first); reads also
    // failed while the recovery was polled.
    expect(errors('find')).toBeGreaterThanOrEqual(2);
    expect(errors('create')).toBe(2);
    expect(errors('stats')).toBe(1);
  });

  describe('at boot', () => {
    it('should start without Redis, answer 503, and serve once Redis appears', async () => {
      const late = await PrivateRedis.start();
      await late.kill();
      const started = performance.now();
      const app = await startMissionsApp('outage-boot', { redis: { url: late.url } });
      try {
        // The module waits for a first connection up to its connect timeout (2 s), then boots.
        expect(performance.now() - started).toBeLessThan(5000);
        const lateHttp = request(app.app.getHttpServer());
        expectUnavailable(await timed(() => lateHttp.get('/api/missions').set(auth)));
        await late.restart();
        await eventually(async () => (await lateHttp.get('/api/missions').set(auth)).status === 200, 10_000);
      } finally {
        await app.close();
        await late.stop();
      }
    });
  });
});
