import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { loadEnv } from '../src/config/env.js';
import { checkProperty, jestTimeout, reportFuzzCounts, type FuzzBudget } from './support/fuzz.js';
import { anyString, jsonObject, jsonValue } from './support/fuzz-json.js';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { rawRequest, type RawRequest } from './support/raw-http.js';
import { token } from './support/tokens.js';

const BUDGET: FuzzBudget = { runs: 400, timeMs: 15_000 };

const ROUTES: [string, string][] = [
  ['GET', ''], ['POST', ''], ['GET', '/stats/overview'], ['GET', '/health'], ['GET', '/events'],
  ['GET', '/{id}'], ['POST', '/{id}/status'], ['POST', '/{id}/execute'], ['POST', '/{id}/cancel'],
  ['POST', '/{id}/log'], ['GET', '/{id}/log'], ['GET', '/{id}/events'],
];
const QUERY_NAMES = ['status', 'limit', 'cursor', 'offset', 'mission_status', 'access_token', 'name_prefix', '__proto__', 'constructor'];

// Header values node:http can send (visible ASCII and Latin-1), and URL pieces it can put in a path.
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 60 });
const garbageSegment = fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2F', '%2e%2e', '%FF%FE', '~', 'a'.repeat(3000), 'Health', 'EVENTS');
const encoded = (s: string) => encodeURIComponent(s.toWellFormed());
const deepJson = fc.integer({ min: 60, max: 90_000 }).map((depth) => `{"name":"d","data":${'['.repeat(depth)}${']'.repeat(depth)}}`);

/** (d) Malformed bodies, queries, ids and headers at every route: never a 5xx, never a hang. */
describe('Fuzz: malformed requests at every route', () => {
  let t: MissionsTestApp;
  let port: number;
  let missionId: string;
  const jwt = token({ sub: 'fuzzer', tenant_id: 'fuzz-inputs' });

  beforeAll(async () => {
    const env = loadEnv({});
    t = await startMissionsApp('fuzz-inputs', { demoStepMs: 1 }, [], { bodyLimitBytes: env.bodyLimitBytes, corsOrigins: [] });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    missionId = (await request(t.app.getHttpServer()).post('/api/missions').set('Authorization', `Bearer ${jwt}`).send({ id: 'known', name: 'k' }).expect(201)).body.id;
  });
  afterAll(async () => {
    reportFuzzCounts();
    await t?.close();
  });

  const id = fc.oneof(fc.constant('known'), anyString({ maxLength: 40 }).map(encoded), garbageSegment);
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), anyString({ maxLength: 8 })), fc.oneof(anyString({ maxLength: 30 }), fc.constantFrom('0x10', '1e1', '+5', '99999999999999999999', '-1', 'RUNNING', ''))), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${encoded(k)}=${encoded(v)}`).join('&'));
  const body = fc.oneof(
    jsonObject.map((data) => JSON.stringify({ name: 'fuzz', data })),
    fc.record({ name: jsonValue, id: jsonValue, description: jsonValue, data: jsonValue, message: jsonValue, level: jsonValue, timestamp: jsonValue, status: jsonValue }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    jsonValue.map((v) => JSON.stringify(v) ?? ''),
    anyString({ maxLength: 200 }),
    deepJson,
    fc.constantFrom('', '{', '{"name":1e999999}', '{"name":"x","__proto__":{"status":"DONE"}}', '{"name":"x","timestamp":1e400}', 'null', '[]', '\u0000'),
  );
  const authorization = fc.oneof(fc.constant(`Bearer ${jwt}`), fc.constant(undefined), headerText, headerText.map((s) => `Bearer ${s}`));
  const contentType = fc.option(fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
      'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.api+json', 'application/*'),
    headerText,
  ), { nil: undefined });
  const extraHeaders = fc.record({
    'idempotency-key': headerText, 'last-event-id': headerText, 'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'),
    'x-request-id': headerText, accept: headerText,
  }, { requiredKeys: [] });
  const requestArbitrary = fc.record({
    route: fc.oneof(fc.constantFrom(...ROUTES), fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'), fc.constantFrom(...ROUTES.map(([, path]) => path)))),
    id, query, body: fc.option(body, { nil: undefined }), authorization, contentType, extraHeaders,
  }).map(({ route: [method, path], id: routeId, query: q, body: payload, authorization: auth, contentType: type, extraHeaders: extra }): RawRequest => ({
    method,
    path: `/api/missions${path.replace('{id}', routeId)}${q ? `?${q}` : ''}`,
    headers: { ...extra, ...(auth === undefined ? {} : { authorization: auth }), ...(type === undefined ? {} : { 'content-type': type }) },
    body: method === 'GET' || method === 'HEAD' ? undefined : payload,
  }));

  it('should answer every request below 500, with Nest\'s error body and the security headers', async () => {
    expect(missionId).toBe('known');
    await checkProperty('(d) malformed requests', fc.asyncProperty(requestArbitrary, async (req) => {
      const res = await rawRequest(port, req);
      expect({ request: req.path, status: res.status < 500 }).toEqual({ request: req.path, status: true });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      if (res.status >= 400 && req.method !== 'HEAD') {
        const error = JSON.parse(res.body) as { statusCode: unknown; message: unknown; error: unknown };
        expect(error).toEqual({ statusCode: res.status, message: expect.anything(), error: expect.any(String) });
      }
    }), BUDGET);
  }, jestTimeout(BUDGET));
});
