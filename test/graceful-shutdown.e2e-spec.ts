import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { HttpDrain } from '../src/shutdown/http-drain.js';
import { ShutdownModule } from '../src/shutdown/shutdown.module.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { refusesConnections } from './support/ports.js';
import { PrivateRedis } from './support/private-redis.js';
import { bearer, token } from './support/tokens.js';

describe('Graceful shutdown (what SIGTERM runs through enableShutdownHooks)', () => {
  let redis: PrivateRedis;
  let spy: Redis;
  let t: MissionsTestApp;
  let base: string;
  let port: number;
  const auth = bearer(token({ sub: 'ops', tenant_id: 'shutdown' }));

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    spy = new Redis(redis.url);
    // A long command timeout: the paused Redis holds the requests in flight instead of failing them.
    // Demo steps of 1 s: a mission still runs in the in-process executor when the shutdown starts.
    const overrides = { redis: { url: redis.url, options: { commandTimeout: 10_000 } }, demoStepMs: 1000 };
    t = await startMissionsApp('shutdown', overrides, [
      ShutdownModule.forRoot({ graceMs: 10_000 }),
    ]);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    redis.resume();
    spy.disconnect();
    await t.close();
    await redis.stop();
  });

  it('should stop accepting at once, finish requests in flight and the running mission, then close Redis', async () => {
    await request(base).post('/api/missions').set(auth).send({ id: 'runs', name: 'runs' }).expect(201);
    await request(base).post('/api/missions/runs/execute').set(auth).expect(202);
    expect(await spy.info('clients')).not.toMatch(/connected_clients:1\r?\n/);

    redis.pause();
    const inFlight = ['a', 'b', 'c', 'd', 'e'].map((id) =>
      request(base).post('/api/missions').set(auth).send({ id: `during-${id}`, name: id }).then((res) => res.status),
    );
    const drain = t.app.get(HttpDrain);
    await eventually(async () => drain.inFlight === 5);

    const closing = t.app.close();
    // While Redis is paused nothing in flight can finish: the port must close before they do.
    await eventually(() => refusesConnections(port));
    redis.resume();

    expect(await Promise.all(inFlight)).toEqual([201, 201, 201, 201, 201]);
    await closing;
    expect(await spy.zcard(`${t.prefix}{t.shutdown}:ix:all`)).toBe(6);
    expect(await spy.hget(`${t.prefix}{t.shutdown}:m:runs`, 'status')).toBe('COMPLETED');
    // Only the spec's own connection is left: the app quit its Redis client.
    expect(await spy.info('clients')).toMatch(/connected_clients:1\r?\n/);
  });
});
