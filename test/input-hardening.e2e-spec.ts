import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { MissionsService } from '../libs/missions/src/core/missions.service.js';
import { MAX_JSON_DEPTH } from '../libs/missions/src/http/json-nesting.js';
// Keys that name members of Object.prototype: class-transformer skipped them and ValidationPipe
// deleted `__proto__`, at any depth of `data`.
import { BUILT_IN_NAMES } from './support/fuzz-json.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

// Built from JSON text: an object literal `{ __proto__: … }` would set the prototype instead.
const withBuiltInNames = (): Record<string, unknown> =>
  JSON.parse(`{"car":{"constructor":"Ford","model":"T"},${BUILT_IN_NAMES.map((key, i) => `"${key}":{"${key}":[${i},{"${key}":null}]}`).join(',')}}`);

const nested = (depth: number): string => `${'['.repeat(depth - 1)}{}${']'.repeat(depth - 1)}`;

describe('Missions HTTP: input hardening', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'hardening' }));
  const postJson = (path: string, json: string, headers: Record<string, string> = {}) =>
    http.post(path).set(alice).set(headers).set('Content-Type', 'application/json').send(json);

  beforeAll(async () => {
    t = await startMissionsApp('hardening');
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  describe('free-form data', () => {
    it('should keep keys named like built-in members at every depth, on every read path', async () => {
      const data = withBuiltInNames();
      const created = await postJson('/api/missions', JSON.stringify({ name: 'built-ins', data }), { 'Idempotency-Key': 'built-ins' }).expect(201);
      const { id } = created.body;
      expect(created.body.data).toEqual(data);
      expect(JSON.stringify(created.body.data)).toBe(JSON.stringify(data));
      expect((await http.get(`/api/missions/${id}`).set(alice).expect(200)).body.data).toEqual(data);
      const listed = (await http.get('/api/missions').set(alice).expect(200)).body.missions;
      expect(listed.find((m: { id: string }) => m.id === id).data).toEqual(data);
      const replay = await postJson('/api/missions', JSON.stringify({ name: 'built-ins', data }), { 'Idempotency-Key': 'built-ins' }).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.data).toEqual(data);

      await postJson(`/api/missions/${id}/log`, JSON.stringify({ message: 'entry', data })).expect(202);
      const log = (await http.get(`/api/missions/${id}/log`).set(alice).expect(200)).body.log;
      expect(log.at(-1).data).toEqual(data);

      // The demo handler echoes the mission's data into its step entry.
      await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
      const step = await eventually(async () =>
        (await http.get(`/api/missions/${id}/log`).set(alice)).body.log.find((e: { message: string }) => e.message === 'Mission executing step 1'));
      expect(step.data).toEqual({ payload: data });
    });

    it('should fingerprint the body as sent: a body differing only in a built-in-named key is another request', async () => {
      await postJson('/api/missions', '{"name":"fp","data":{"car":{"constructor":"Ford"}}}', { 'Idempotency-Key': 'fp' }).expect(201);
      await postJson('/api/missions', '{"name":"fp","data":{"car":{"constructor":"Tesla"}}}', { 'Idempotency-Key': 'fp' }).expect(422);
      await postJson('/api/missions', '{"name":"fp","data":{"car":{}}}', { 'Idempotency-Key': 'fp' }).expect(422);
    });
  });

  describe('lone surrogates', () => {
    it('should keep them in data, and refuse them in typed text, which Redis would store as U+FFFD', async () => {
      const created = await postJson('/api/missions', '{"name":"s","data":{"\\ud800":"\\udfff x"}}').expect(201);
      expect(JSON.stringify(created.body.data)).toBe('{"\\ud800":"\\udfff x"}');
      expect(JSON.stringify((await http.get(`/api/missions/${created.body.id}`).set(alice)).body.data)).toBe('{"\\ud800":"\\udfff x"}');
      const name = await postJson('/api/missions', '{"name":"a\\ud800"}').expect(400);
      expect(name.body.message).toEqual(['name must be a string of 1 to 200 characters, without lone surrogates']);
      await postJson('/api/missions', '{"name":"n","description":"\\udc00"}').expect(400);
      await postJson(`/api/missions/${created.body.id}/log`, '{"message":"\\ud83d"}').expect(400);
      await postJson('/api/missions', '{"name":"\\ud83d\\ude00"}').expect(201);
    });
  });

  describe('nesting depth', () => {
    it(`should accept data nested ${MAX_JSON_DEPTH} levels deep and keep it`, async () => {
      const res = await postJson('/api/missions', `{"name":"deep","data":{"a":${nested(MAX_JSON_DEPTH - 1)}}}`).expect(201);
      expect(JSON.stringify(res.body.data)).toBe(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`);
    });

    it.each([MAX_JSON_DEPTH + 1, 2_500, 40_000])('should answer 400 naming data for data nested %d levels deep', async (depth) => {
      const res = await postJson('/api/missions', `{"name":"deep","data":{"a":${nested(depth - 1)}}}`).expect(400);
      expect(res.body).toEqual({
        statusCode: 400, error: 'Bad Request', message: [`data must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`],
      });
    });

    it('should answer 400 for deep log data, and for deep values in typed or unknown fields', async () => {
      const { body } = await postJson('/api/missions', '{"name":"deep log"}').expect(201);
      const deep = nested(40_000); // 80 KB: inside Nest's default 100 kB body limit
      const log = await postJson(`/api/missions/${body.id}/log`, `{"message":"m","data":{"a":${deep}}}`).expect(400);
      expect(log.body.message).toEqual([expect.stringMatching(/^data must not nest/)]);
      expect((await postJson('/api/missions', `{"name":${deep}}`).expect(400)).body.message).toEqual([expect.stringMatching(/^name /)]);
      // Refused as unknown, or (Fastify, whose parser checks the depth first) as too deep: named either way.
      expect((await postJson('/api/missions', `{"name":"n","extra":${deep}}`).expect(400)).body.message).toEqual([expect.stringMatching(/^(property extra should not exist|extra must not nest)/)]);
      await postJson(`/api/missions/${body.id}/status`, `{"status":${deep}}`).expect(400);
    });
  });

  describe('unknown top-level fields', () => {
    it.each(['__proto__', 'constructor', 'prototype', 'toString'])('should refuse a top-level %s in a create body', async (key) => {
      const res = await postJson('/api/missions', `{"name":"n","${key}":{"status":"COMPLETED"}}`).expect(400);
      expect(res.body.message).toEqual([`property ${key} should not exist`]);
    });

    it('should refuse them in log and status bodies and in queries too', async () => {
      const { body } = await postJson('/api/missions', '{"name":"q"}').expect(201);
      await postJson(`/api/missions/${body.id}/log`, '{"message":"m","__proto__":{}}').expect(400);
      await postJson(`/api/missions/${body.id}/status`, '{"status":"RUNNING","constructor":1}').expect(400);
      await http.get('/api/missions?constructor=1').set(alice).expect(400);
      await http.get('/api/missions?__proto__=1').set(alice).expect(400);
      expect((await http.get(`/api/missions/${body.id}`).set(alice)).body.status).toBe('PENDING');
    });
  });

  describe('query integers', () => {
    let id: string;
    beforeAll(async () => {
      id = (await postJson('/api/missions', '{"name":"q"}').expect(201)).body.id;
    });

    it.each(['0x10', '1e1', '+5', ' 5', '5.0', '-0', '', '99999999999999999999', '4294967296', '5,6', '٥'])(
      'should answer 400 for %p as offset or limit',
      async (value) => {
        const offset = await http.get(`/api/missions/${id}/log`).query({ offset: value }).set(alice).expect(400);
        expect(offset.body.message).toEqual(['offset must be a decimal integer from 0 to 4294967295']);
        await http.get(`/api/missions/${id}/log`).query({ limit: value }).set(alice).expect(400);
        await http.get('/api/missions').query({ limit: value }).set(alice).expect(400);
      },
    );

    it('should read decimal digits, leading zeros included, up to the largest offset', async () => {
      const res = await http.get(`/api/missions/${id}/log?offset=4294967295&limit=010`).set(alice).expect(200);
      expect(res.body).toEqual({ mission_id: id, log: [], next_offset: null });
      expect((await http.get('/api/missions?limit=007').set(alice).expect(200)).body.missions.length).toBeLessThanOrEqual(7);
    });
  });

  describe('error bodies', () => {
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('should answer an unexpected error with a 500 in Nest\'s full error body', async () => {
      jest.spyOn(t.app.get(MissionsService), 'stats').mockRejectedValueOnce(new Error('boom'));
      const res = await http.get('/api/missions/stats/overview').set(alice).expect(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' });
    });

    it.each([
      ['GET', '/api/missions'], ['POST', '/api/missions'], ['GET', '/api/missions/stats/overview'], ['GET', '/api/missions/x'],
      ['POST', '/api/missions/x/status'], ['POST', '/api/missions/x/execute'], ['POST', '/api/missions/x/cancel'],
      ['POST', '/api/missions/x/log'], ['GET', '/api/missions/x/log'], ['GET', '/api/missions/events'], ['GET', '/api/missions/x/events'],
    ])('should answer %s %s without a token with the full 401 body', async (method, path) => {
      const res = await (method === 'GET' ? http.get(path) : http.post(path)).expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
    });
  });
});
