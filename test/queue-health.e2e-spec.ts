import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { HealthModule } from '../src/health/health.module.js';
import { serveWorkerHealth } from '../src/health/worker-health-server.js';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { eventually } from './support/missions-app.js';
import { PrivateRedis } from './support/private-redis.js';
import { freePort } from './support/ports.js';
import { uniquePrefix } from './support/redis-test-keys.js';
import { TEST_SECRET } from './support/tokens.js';

describe('Readiness of a process that runs BullMQ', () => {
  let redisServer: PrivateRedis;
  let app: INestApplication;
  let probes: Server;
  let probeUrl: string;

  beforeAll(async () => {
    redisServer = await PrivateRedis.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        EventEmitterModule.forRoot(),
        MissionsModule.forRoot({
          isGlobal: true, redis: { url: redisServer.url }, keyPrefix: uniquePrefix('queue-health'),
          auth: { mode: 'jwt', secret: TEST_SECRET }, execution: { mode: 'bullmq', role: 'all' },
        }),
        HealthModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const port = await freePort();
    probes = await serveWorkerHealth(app, port, '127.0.0.1');
    probeUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    probes?.close();
    await app?.close();
    await redisServer?.stop();
  });

  it('should report the queue and worker connections as ready, on the API and on the worker probe server', async () => {
    const api = await eventually(async () => {
      const res = await request(app.getHttpServer()).get('/health/ready');
      return res.status === 200 ? res : null;
    });
    expect(api.body.details.queue).toEqual({ status: 'up', queue: 'ready', worker: 'ready' });
    const worker = await fetch(`${probeUrl}/health/ready`);
    expect(worker.status).toBe(200);
    expect(((await worker.json()) as { details: { queue: unknown } }).details.queue).toEqual({ status: 'up', queue: 'ready', worker: 'ready' });
    expect((await fetch(`${probeUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${probeUrl}/metrics`)).status).toBe(404);
  });

  it('should answer 503 naming the queue connections while Redis is down, and recover', async () => {
    await redisServer.kill();
    try {
      const down = await eventually(async () => {
        const res = await fetch(`${probeUrl}/health/ready`);
        const body = (await res.json()) as { error?: { queue?: { status: string; worker?: string } } };
        return res.status === 503 && body.error?.queue?.status === 'down' ? body : null;
      });
      expect(down.error?.queue?.worker).not.toBe('ready');
    } finally {
      await redisServer.restart();
    }
    await eventually(async () => (await fetch(`${probeUrl}/health/ready`)).status === 200, 15_000);
  });
});
