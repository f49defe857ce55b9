import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { loadEnv } from '../src/config/env.js';
import { createFastifyAdapter } from '../src/http/fastify-adapter.js';
import type { HttpSettings } from '../src/http/http-setup.js';
import { useSecurityHeaders } from '../src/http/security-headers.js';
import { startMissionsApp, testHttpAdapter, type MissionsTestApp } from './support/missions-app.js';
import { testRedisOptions, uniquePrefix } from './support/redis-test-keys.js';
import { bearer, TEST_SECRET, token } from './support/tokens.js';

const ALLOWED = 'https://app.example.com';
const TOO_DEEP = { statusCode: 400, message: ['data must not nest objects and arrays more than 64 levels deep'], error: 'Bad Request' };
const KIB = 1024;
// Express joins header lists with ',', Fastify with ', ': the same list to a browser.
const list = (header: string | undefined) => header?.split(/,\s*/);

async function startWith(settings: Partial<HttpSettings>): Promise<MissionsTestApp> {
  return startMissionsApp('http', {}, [], settings);
}

describe(`HTTP pipeline (configureHttp, ${testHttpAdapter()})`, () => {
  const auth = bearer(token({ sub: 'alice', tenant_id: 'acme' }));
  let sut: MissionsTestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    sut = await startWith({ corsOrigins: [ALLOWED] });
    http = request(sut.app.getHttpServer());
  });

  afterAll(async () => {
    await sut?.close();
  });

  describe('body limit', () => {
    const createBody = (dataBytes: number) => JSON.stringify({ name: 'big', data: { blob: 'x'.repeat(dataBytes) } });

    it('should answer 413 with Nest\'s error body above the default 256 KiB', async () => {
      const res = await http.post('/api/missions').set(auth).set('Content-Type', 'application/json').send(createBody(257 * KIB)).expect(413);
      expect(res.body).toEqual({ statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' });
    });

    it('should pass a body under the limit (yet over Express\'s default 100 kB) on to validation', async () => {
      const res = await http.post('/api/missions').set(auth).set('Content-Type', 'application/json').send(createBody(200 * KIB)).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(/^data must be a JSON object of at most 65536 bytes/)]);
    });

    it('should still answer 400 with Nest\'s error body for malformed JSON', async () => {
      const res = await http.post('/api/missions').set(auth).set('Content-Type', 'application/json').send('{"name": ').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('should refuse a body nested past the depth limit from its text, naming the field', async () => {
      // 240 KB of brackets: parsing it would block the event loop for about half a second.
      const deep = `{"name":"deep","data":${'['.repeat(120_000)}${']'.repeat(120_000)}}`;
      const res = await http.post('/api/missions').set(auth).set('Content-Type', 'application/json').send(deep).expect(400);
      expect(res.body).toEqual(TOO_DEEP);
    });

    it('should apply a configured limit', async () => {
      const small = await startWith({ bodyLimitBytes: 2 * KIB });
      try {
        const smallHttp = request(small.app.getHttpServer());
        await smallHttp.post('/api/missions').set(auth).send({ name: 'fits', data: { blob: 'x'.repeat(KIB) } }).expect(201);
        await smallHttp.post('/api/missions').set(auth).send({ name: 'too big', data: { blob: 'x'.repeat(3 * KIB) } }).expect(413);
      } finally {
        await small.close();
      }
    });
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (res: request.Response) => {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    };

    it('should send helmet\'s headers and hide the framework', async () => {
      expectSecurityHeaders(await http.get('/api/missions/health').expect(200));
    });

    // Helmet used to run after the body parser, whose errors skipped it (and kept X-Powered-By).
    it.each([
      ['a malformed JSON body (400)', () => http.post('/api/missions').set(auth).set('Content-Type', 'application/json').send('{"name": ').expect(400)],
      ['a body over the limit (413)', () => http.post('/api/missions').set(auth).set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'big', data: { blob: 'x'.repeat(257 * KIB) } })).expect(413)],
      ['an unknown route (404)', () => http.get('/nowhere').expect(404)],
      ['a missing token (401)', () => http.get('/api/missions').expect(401)],
      ['a validation error (400)', () => http.post('/api/missions').set(auth).send({ name: '' }).expect(400)],
    ])('should send them on the answer to %s', async (_label, send) => {
      expectSecurityHeaders(await send());
    });

    describe('on the Fastify adapter', () => {
      let fastify: INestApplication;
      let fastifyHttp: ReturnType<typeof request>;

      beforeAll(async () => {
        const moduleRef = await Test.createTestingModule({
          imports: [EventEmitterModule.forRoot(), MissionsModule.forRoot({ redis: testRedisOptions(), keyPrefix: uniquePrefix('http-fastify'), auth: { mode: 'jwt', secret: TEST_SECRET } })],
        }).compile();
        fastify = moduleRef.createNestApplication(createFastifyAdapter(loadEnv({}).bodyLimitBytes), { logger: ['error'] });
        useSecurityHeaders(fastify);
        await fastify.init();
        await fastify.getHttpAdapter().getInstance().ready();
        fastifyHttp = request(fastify.getHttpServer());
      });
      afterAll(async () => {
        await fastify?.close();
      });

      it.each([
        ['a success (200)', () => fastifyHttp.get('/api/missions/health').expect(200)],
        ['a malformed JSON body (400)', () => fastifyHttp.post('/api/missions').set(auth).set('Content-Type', 'application/json').send('{"name": ').expect(400)],
        ['an unknown route (404)', () => fastifyHttp.get('/nowhere').expect(404)],
        ['a missing token (401)', () => fastifyHttp.get('/api/missions').expect(401)],
      ])('should send them on the answer to %s', async (_label, send) => {
        expectSecurityHeaders(await send());
      });

      it('should refuse a body nested past the depth limit from its text, naming the field', async () => {
        const deep = `{"name":"deep","data":${'['.repeat(120_000)}${']'.repeat(120_000)}}`;
        const res = await fastifyHttp.post('/api/missions').set(auth).set('Content-Type', 'application/json').send(deep).expect(400);
        expect(res.body).toEqual(TOO_DEEP);
        expectSecurityHeaders(res);
      });
    });

    it('should send them with errors and unknown routes too', async () => {
      const answers = [
        await http.get('/nowhere').expect(404),
        await http.get('/api/missions').expect(401),
        await http.post('/api/missions').set(auth).set('Content-Type', 'application/json').send('{"name": ').expect(400),
      ];
      for (const res of answers) {
        expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'content-security-policy': expect.stringContaining("default-src 'self'") });
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });

  describe('CORS', () => {
    const preflight = (client: ReturnType<typeof request>, origin: string) =>
      client
        .options('/api/missions')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');

    it('should allow a preflight from a configured origin', async () => {
      const res = await preflight(http, ALLOWED).expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(list(res.headers['access-control-allow-methods'])).toEqual(['GET', 'POST']);
      expect(res.headers['access-control-allow-headers']).toMatch(/Authorization.*Content-Type.*Idempotency-Key/);
    });

    it('should expose the request id to a configured origin', async () => {
      const res = await http.get('/api/missions').set(auth).set('Origin', ALLOWED).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(list(res.headers['access-control-expose-headers'])).toEqual(['X-Request-Id', 'Idempotent-Replayed']);
    });

    it('should not allow another origin', async () => {
      const res = await preflight(http, 'https://evil.example.com');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const get = await http.get('/api/missions/health').set('Origin', 'https://evil.example.com');
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should stay off when no origin is configured', async () => {
      const off = await startWith({ corsOrigins: [] });
      try {
        const res = await preflight(request(off.app.getHttpServer()), ALLOWED);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-methods']).toBeUndefined();
      } finally {
        await off.close();
      }
    });
  });
});
