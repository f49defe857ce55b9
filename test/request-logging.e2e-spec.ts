import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { HealthModule } from '../src/health/health.module.js';
import { AppLogger } from '../src/logging/app-logger.js';
import { LoggingModule } from '../src/logging/logging.module.js';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { createApp, eventually, testHttpAdapter } from './support/missions-app.js';
import type { MissionsRedisClient } from '../libs/missions/src/store/redis-connection.js';
import { connectTestRedis, deleteKeys, testRedisOptions, uniquePrefix } from './support/redis-test-keys.js';
import { bearer, TEST_SECRET, token } from './support/tokens.js';

interface LogLine {
  level: number;
  msg: string;
  context?: string;
  req_id?: string;
  method?: string;
  route?: string;
  url?: string;
  status?: number;
  duration_ms?: number;
  principal_id?: string;
  tenant_id?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(`Request logging (${testHttpAdapter()})`, () => {
  const prefix = uniquePrefix('logs');
  let redis: MissionsRedisClient;
  let output = '';
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  const lines = (): LogLine[] => output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
  const requestLine = (id: string): Promise<LogLine> => eventually(async () => lines().find((l) => l.req_id === id));

  beforeAll(async () => {
    redis = await connectTestRedis();
    const destination = { write: (chunk: string) => void (output += chunk) };
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forRoot({ level: 'info', destination }),
        EventEmitterModule.forRoot(),
        MissionsModule.forRoot({ isGlobal: true, redis: testRedisOptions(), keyPrefix: prefix, auth: { mode: 'jwt', secret: TEST_SECRET } }),
        HealthModule,
      ],
    }).compile();
    app = await createApp(moduleRef, { appOptions: { bufferLogs: true }, beforeInit: (a) => a.useLogger(a.get(AppLogger)) });
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('should log one line per request with the caller\'s request id, echoed, the route, status, duration and principal', async () => {
    const secret = token({ sub: 'alice', tenant_id: 'acme' });
    const res = await http.post('/api/missions').set(bearer(secret)).set('X-Request-Id', 'trace-7f3a').send({ name: 'logged' }).expect(201);
    expect(res.headers['x-request-id']).toBe('trace-7f3a');

    const line = await requestLine('trace-7f3a');
    expect(line).toMatchObject({
      level: 30, method: 'POST', route: '/api/missions', url: '/api/missions', status: 201,
      principal_id: 'alice', tenant_id: 'acme', msg: expect.stringMatching(/^POST \/api\/missions 201 [\d.]+ ms$/),
    });
    expect(line.duration_ms).toBeGreaterThan(0);
    expect(lines().filter((l) => l.req_id === 'trace-7f3a')).toHaveLength(1);
    expect(output).not.toContain(secret);
  });

  it('should label a mission\'s route by its pattern and keep the path in the url', async () => {
    const auth = bearer(token({ sub: 'alice', tenant_id: 'acme' }));
    await http.get('/api/missions/nope').set(auth).set('X-Request-Id', 'not-found').expect(404);
    expect(await requestLine('not-found')).toMatchObject({ level: 40, route: '/api/missions/:id', url: '/api/missions/nope', status: 404 });
    await http.get('/nowhere').set('X-Request-Id', 'unmatched').expect(404);
    expect(await requestLine('unmatched')).toMatchObject({ route: 'unmatched', status: 404 });
  });

  it('should generate a request id when none (or an unacceptable one) is given', async () => {
    const res = await http.get('/api/missions/health').set('X-Request-Id', 'has spaces').expect(200);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    const line = await requestLine(id);
    expect(line.principal_id).toBeUndefined();
  });

  it('should never log a token, whether in the Authorization header, a cookie or the query', async () => {
    const secret = token({ sub: 'mallory' }, {}, 'not-the-server-secret');
    await http
      .get(`/api/missions?access_token=${secret}&limit=5`)
      .set(bearer(secret))
      .set('Cookie', `session=${secret}`)
      .set('X-Request-Id', 'leak-check')
      .expect(401);

    const line = await requestLine('leak-check');
    expect(line).toMatchObject({ level: 40, status: 401, url: '/api/missions?access_token=[Redacted]&limit=5' });
    expect(output).not.toContain(secret);
    expect(output).not.toContain(secret.split('.')[2]);
  });

  it('should not log the health probes that orchestrators send every few seconds', async () => {
    await http.get('/health/live').set('X-Request-Id', 'probe-live').expect(200);
    await http.get('/api/missions/health').set('X-Request-Id', 'after-probe').expect(200);
    await requestLine('after-probe');
    expect(lines().filter((l) => l.req_id === 'probe-live')).toEqual([]);
  });

  it('should write Nest\'s own log lines as JSON too', () => {
    expect(lines().some((l) => l.context === 'RoutesResolver' && l.level === 30)).toBe(true);
  });
});
