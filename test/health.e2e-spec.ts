import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type BeforeApplicationShutdown, type INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { HealthModule } from '../src/health/health.module.js';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { createApp, eventually } from './support/missions-app.js';
import { PrivateRedis } from './support/private-redis.js';
import { uniquePrefix } from './support/redis-test-keys.js';
import { TEST_SECRET } from './support/tokens.js';

/** Holds the app in beforeApplicationShutdown until the spec releases it. */
@Injectable()
class ShutdownLatch implements BeforeApplicationShutdown {
  release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  beforeApplicationShutdown(): Promise<void> {
    return this.released;
  }
}

// Two levels below the root, so its hook runs after HealthModule's (Nest calls
// beforeApplicationShutdown from the root down) and the readiness flag is already flipped.
@Module({ providers: [ShutdownLatch], exports: [ShutdownLatch] })
class LatchModule {}
@Module({ imports: [LatchModule] })
class LatchHostModule {}

async function startApp(redisUrl: string, extraImports: unknown[] = []): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      EventEmitterModule.forRoot(),
      MissionsModule.forRoot({ isGlobal: true, redis: { url: redisUrl }, keyPrefix: uniquePrefix('health'), auth: { mode: 'jwt', secret: TEST_SECRET } }),
      HealthModule,
      ...(extraImports as []),
    ],
  }).compile();
  const app = await createApp(moduleRef, { appOptions: { logger: false } });
  // Not ready until its Redis connection is: that is what readiness is for.
  await eventually(async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200);
  return app;
}

describe('Health probes', () => {
  let redisServer: PrivateRedis;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    redisServer = await PrivateRedis.start();
    app = await startApp(redisServer.url);
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await redisServer?.stop();
  });

  it('should answer liveness and readiness with Redis up, uncached and without a token', async () => {
    const live = await http.get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    const ready = await http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { shutdown: { status: 'up' }, redis: { status: 'up' } }, error: {} });
    expect(ready.headers['cache-control']).toContain('no-store');
    await http.get('/api/missions/health').expect(200, { status: 'ok' });
  });

  it('should answer readiness 503 within a second while Redis is down, liveness 200, and recover when it returns', async () => {
    await redisServer.kill();
    try {
      const started = Date.now();
      const down = await eventually(async () => {
        const res = await http.get('/health/ready');
        return res.status === 503 ? res : undefined;
      });
      expect(down.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } }, info: { shutdown: { status: 'up' } } });

      const probeStarted = Date.now();
      await http.get('/health/ready').expect(503);
      expect(Date.now() - probeStarted).toBeLessThan(1500);
      expect(Date.now() - started).toBeLessThan(5000);
      await http.get('/health/live').expect(200);
    } finally {
      await redisServer.restart();
    }
    // ioredis reconnects with backoff (at most 2 s between attempts).
    await eventually(async () => (await http.get('/health/ready')).status === 200, 10_000);
  });

  it('should answer readiness 503 within about a second when a connected Redis does not answer', async () => {
    const admin = new Redis(redisServer.url);
    try {
      await admin.client('PAUSE', 1500, 'ALL');
      const started = Date.now();
      const res = await http.get('/health/ready').expect(503);
      const elapsed = Date.now() - started;
      // Whichever bound fires first: the client's command timeout (500 ms) or the check's (1 s).
      expect(res.body.error.redis).toMatchObject({ status: 'down', message: expect.stringMatching(/time(d)? ?out/i) });
      expect(elapsed).toBeGreaterThanOrEqual(400);
      expect(elapsed).toBeLessThan(2000);
    } finally {
      await admin.client('UNPAUSE');
      await admin.quit();
    }
    await eventually(async () => (await http.get('/health/ready')).status === 200);
  });

  it('should answer readiness 503 once shutdown has begun, while the server still serves', async () => {
    const closing = await startApp(redisServer.url, [LatchHostModule]);
    const server = request(closing.getHttpServer());
    await server.get('/health/ready').expect(200);
    const latch = closing.get(ShutdownLatch);
    const closed = closing.close();
    try {
      const res = await eventually(async () => {
        const r = await server.get('/health/ready');
        return r.status === 503 ? r : undefined;
      });
      expect(res.body).toMatchObject({ status: 'error', error: { shutdown: { status: 'down', message: 'shutting down' } } });
      await server.get('/health/live').expect(200);
    } finally {
      latch.release();
      await closed;
    }
  });
});
