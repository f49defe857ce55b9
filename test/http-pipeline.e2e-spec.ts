import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { HttpSettings } from '../src/http/http-setup.js';
import { startMissionsApp, testHttpAdapter, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

const ALLOWED = 'https://app.example.com';
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
    it('should send helmet\'s headers and hide the framework', async () => {
      const res = await http.get('/api/missions/health').expect(200);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
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
