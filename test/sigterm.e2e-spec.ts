import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { builtMain } from './support/built-service.js';
import { eventually, testHttpAdapter } from './support/missions-app.js';
import { freePort, refusesConnections } from './support/ports.js';
import { PrivateRedis } from './support/private-redis.js';
import { uniquePrefix } from './support/redis-test-keys.js';
import { TEST_SECRET, token } from './support/tokens.js';

describe('The built service on SIGTERM', () => {
  let redis: PrivateRedis;
  let spy: Redis;
  let service: ChildProcess;
  let base: string;
  let port: number;
  let build: ReturnType<typeof builtMain>;
  const prefix = uniquePrefix('sigterm');
  const headers = { Authorization: `Bearer ${token({ sub: 'ops', tenant_id: 'sig' })}`, 'Content-Type': 'application/json' };

  beforeAll(async () => {
    build = builtMain();
    redis = await PrivateRedis.start();
    spy = new Redis(redis.url);
    port = await freePort();
    base = `http://127.0.0.1:${port}/api/missions`;
    service = spawn(process.execPath, [build.main], {
      env: {
        PATH: process.env.PATH, PORT: String(port), REDIS_URL: redis.url, JWT_SECRET: TEST_SECRET,
        MISSIONS_KEY_PREFIX: prefix, MISSIONS_DEMO_STEP_MS: '1000', NODE_ENV: 'test', HTTP_ADAPTER: testHttpAdapter(),
      },
      stdio: 'ignore',
    });
    await eventually(async () => (await fetch(`${base}/health`).catch(() => undefined))?.ok, 15_000);
  }, 60_000);
  afterAll(async () => {
    if (service.exitCode === null && service.signalCode === null) service.kill('SIGKILL');
    spy.disconnect();
    await redis.stop();
    build.cleanup();
  });

  it('should close the port at once, let the running mission finish, close Redis and exit', async () => {
    expect((await fetch(base, { method: 'POST', headers, body: JSON.stringify({ id: 'runs', name: 'runs' }) })).status).toBe(201);
    expect((await fetch(`${base}/runs/execute`, { method: 'POST', headers })).status).toBe(202);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      service.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const started = performance.now();

    service.kill('SIGTERM');
    await eventually(() => refusesConnections(port));
    // The port closed while the mission still ran (it needs 2 s of demo steps).
    expect(await spy.hget(`${prefix}{t.sig}:m:runs`, 'status')).toBe('RUNNING');

    const { code, signal } = await exited;
    // Nest re-raises the signal once its hooks are done.
    expect(signal === 'SIGTERM' || code === 0).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await spy.hget(`${prefix}{t.sig}:m:runs`, 'status')).toBe('COMPLETED');
    expect(await spy.info('clients')).toMatch(/connected_clients:1\r?\n/);
  });
});
