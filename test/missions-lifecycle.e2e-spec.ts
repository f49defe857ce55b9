import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

type LogEntry = { timestamp: number; level: string; message: string; data: Record<string, unknown> };

describe('Missions HTTP: status, execute, cancel, log, stats', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'life' }));
  const bob = bearer(token({ sub: 'bob', tenant_id: 'other-life' }));

  beforeAll(async () => {
    t = await startMissionsApp('life', { demoStepMs: 30 });
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  const newMission = async (body: object = { name: 'm' }, auth = alice): Promise<string> =>
    (await http.post('/api/missions').set(auth).send(body).expect(201)).body.id;
  const logOf = async (id: string, auth = alice): Promise<LogEntry[]> =>
    (await http.get(`/api/missions/${id}/log`).set(auth).expect(200)).body.log;
  const statusOf = async (id: string): Promise<string> => (await http.get(`/api/missions/${id}`).set(alice)).body.status;

  describe('POST /:id/status', () => {
    it('should apply a legal change from the query form and bump version and updated_at', async () => {
      const id = await newMission();
      const created = (await http.get(`/api/missions/${id}`).set(alice)).body;
      const res = await http.post(`/api/missions/${id}/status?mission_status=CANCELLED`).set(alice).expect(200);
      expect(res.body).toMatchObject({ id, status: 'CANCELLED', version: 2 });
      expect(res.body.updated_at).toBeGreaterThanOrEqual(created.updated_at);
      const log = await logOf(id);
      expect(log.map((e) => e.message)).toEqual(['Mission created', 'Mission status changed']);
      expect(log[1]).toMatchObject({ level: 'info', data: { from: 'PENDING', to: 'CANCELLED' } });
    });

    it('should read an empty body sent as JSON, or as text, as no body', async () => {
      for (const type of ['application/json', 'text/plain']) {
        const id = await newMission();
        await http.post(`/api/missions/${id}/status?mission_status=CANCELLED`).set(alice).set('Content-Type', type).expect(200);
      }
    });

    it('should answer a malformed JSON body with 400 in the standard error shape', async () => {
      const id = await newMission();
      const res = await http.post(`/api/missions/${id}/status`).set(alice).set('Content-Type', 'application/json').send('{"status":').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await statusOf(id)).toBe('PENDING');
    });

    it('should accept the JSON body form', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/status`).set(alice).send({ status: 'CANCELLED' }).expect(200);
      expect(await statusOf(id)).toBe('CANCELLED');
    });

    it('should accept both forms when they agree and refuse them when they differ', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/status?mission_status=RUNNING`).set(alice).send({ status: 'CANCELLED' }).expect(400);
      expect(await statusOf(id)).toBe('PENDING');
      await http.post(`/api/missions/${id}/status?mission_status=CANCELLED`).set(alice).send({ status: 'CANCELLED' }).expect(200);
    });

    it('should answer 409 for an illegal move and change nothing', async () => {
      const id = await newMission();
      const res = await http.post(`/api/missions/${id}/status?mission_status=COMPLETED`).set(alice).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      const m = (await http.get(`/api/missions/${id}`).set(alice)).body;
      expect(m).toMatchObject({ status: 'PENDING', version: 1 });
      expect(await logOf(id)).toHaveLength(1);
    });

    it('should answer 200 unchanged, without a log entry, for the current status', async () => {
      const id = await newMission();
      const res = await http.post(`/api/missions/${id}/status?mission_status=PENDING`).set(alice).expect(200);
      expect(res.body).toMatchObject({ status: 'PENDING', version: 1 });
      expect(await logOf(id)).toHaveLength(1);
    });

    it.each(['DONE', 'running', ''])('should answer 400 for the status value %p', async (value) => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/status`).query({ mission_status: value }).set(alice).expect(400);
    });

    it('should answer 400 when no status is given, and for unknown body fields', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/status`).set(alice).expect(400);
      await http.post(`/api/missions/${id}/status`).set(alice).send({ status: 'CANCELLED', force: true }).expect(400);
      expect(await statusOf(id)).toBe('PENDING');
    });

    it('should answer 404 for unknown and foreign missions', async () => {
      await http.post('/api/missions/nope/status?mission_status=RUNNING').set(alice).expect(404);
      const id = await newMission();
      await http.post(`/api/missions/${id}/status?mission_status=CANCELLED`).set(bob).expect(404);
      expect(await statusOf(id)).toBe('PENDING');
    });

    it('should apply exactly one of 20 concurrent identical moves', async () => {
      const id = await newMission();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => http.post(`/api/missions/${id}/cancel`).set(alice)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(results.every((r) => r.body.status === 'CANCELLED' && r.body.version === 2)).toBe(true);
      expect((await logOf(id)).filter((e) => e.message === 'Mission status changed')).toHaveLength(1);
    });

    it('should apply exactly one change out of PENDING among 20 concurrent different moves', async () => {
      const id = await newMission();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http.post(`/api/missions/${id}/status?mission_status=${i % 2 ? 'CANCELLED' : 'RUNNING'}`).set(alice)),
      );
      for (const r of results) expect([200, 409]).toContain(r.status);
      const fromPending = (await logOf(id)).filter((e) => e.message === 'Mission status changed' && e.data.from === 'PENDING');
      expect(fromPending).toHaveLength(1);
    });
  });

  describe('POST /:id/execute', () => {
    it('should run the demo behaviour to COMPLETED with the contract log', async () => {
      const id = await newMission({ name: 'demo', data: { env: 'prod' } });
      await http.post(`/api/missions/${id}/execute`).set(alice).expect(202, { status: 'accepted' });
      await eventually(async () => (await statusOf(id)) === 'COMPLETED');
      const log = await logOf(id);
      expect(log.map((e) => e.message)).toEqual([
        'Mission created',
        'Mission status changed',
        'Mission execution started',
        'Mission executing step 1',
        'Mission execution finished',
        'Mission status changed',
      ]);
      expect(log[3].data).toEqual({ payload: { env: 'prod' } });
      expect(log[4].data).toEqual({ result: { status: 'OK' } });
      expect(log[5].data).toEqual({ from: 'RUNNING', to: 'COMPLETED' });
    });

    it('should answer 409 when the mission is not PENDING and 404 when unknown', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/status?mission_status=CANCELLED`).set(alice).expect(200);
      await http.post(`/api/missions/${id}/execute`).set(alice).expect(409);
      await http.post('/api/missions/ghost/execute').set(alice).expect(404);
    });

    it('should start execution when the status route moves a mission to RUNNING', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/status?mission_status=RUNNING`).set(alice).expect(200);
      await eventually(async () => (await statusOf(id)) === 'COMPLETED');
    });
  });

  describe('POST /:id/cancel', () => {
    it('should stop a running mission at its next step and leave it CANCELLED', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
      const res = await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
      expect(res.body.status).toBe('CANCELLED');
      await new Promise((r) => setTimeout(r, 150)); // several demo steps
      expect(await statusOf(id)).toBe('CANCELLED');
      const messages = (await logOf(id)).map((e) => e.message);
      expect(messages).not.toContain('Mission execution finished');
    });

    it('should answer 200 unchanged when already CANCELLED and 409 when COMPLETED', async () => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
      const again = await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
      expect(again.body.version).toBe(2);
      const done = await newMission();
      await http.post(`/api/missions/${done}/execute`).set(alice).expect(202);
      await eventually(async () => (await statusOf(done)) === 'COMPLETED');
      await http.post(`/api/missions/${done}/cancel`).set(alice).expect(409);
    });
  });

  describe('log routes', () => {
    it('should accept an entry with defaults and not change version or updated_at', async () => {
      const id = await newMission();
      const before = (await http.get(`/api/missions/${id}`).set(alice)).body;
      await http.post(`/api/missions/${id}/log`).set(alice).send({ message: 'hello' }).expect(202, { status: 'accepted' });
      await http.post(`/api/missions/${id}/log`).set(alice)
        .send({ level: 'warning', message: 'w', data: { k: [1] }, timestamp: 1703001350.789 }).expect(202);
      const after = (await http.get(`/api/missions/${id}`).set(alice)).body;
      expect(after).toEqual(before);
      const log = await logOf(id);
      expect(log[1]).toMatchObject({ level: 'info', message: 'hello', data: {} });
      expect(log[2]).toEqual({ timestamp: 1703001350.789, level: 'warning', message: 'w', data: { k: [1] } });
    });

    it.each([
      ['no message', {}],
      ['an empty message', { message: '' }],
      ['a 4001-character message', { message: 'x'.repeat(4001) }],
      ['an unknown level', { message: 'm', level: 'fatal' }],
      ['data as an array', { message: 'm', data: [] }],
      ['data over 16 KiB', { message: 'm', data: { x: 'y'.repeat(16 * 1024) } }],
      ['a negative timestamp', { message: 'm', timestamp: -1 }],
      ['a string timestamp', { message: 'm', timestamp: '1703001350' }],
      ['an unknown field', { message: 'm', extra: 1 }],
    ])('should answer 400 for %s', async (_label, body) => {
      const id = await newMission();
      await http.post(`/api/missions/${id}/log`).set(alice).send(body).expect(400);
      expect(await logOf(id)).toHaveLength(1);
    });

    it('should answer 404 for unknown and foreign missions', async () => {
      await http.post('/api/missions/ghost/log').set(alice).send({ message: 'm' }).expect(404);
      await http.get('/api/missions/ghost/log').set(alice).expect(404);
      const id = await newMission();
      await http.post(`/api/missions/${id}/log`).set(bob).send({ message: 'm' }).expect(404);
      await http.get(`/api/missions/${id}/log`).set(bob).expect(404);
    });

    it('should page the log oldest first with next_offset', async () => {
      const id = await newMission();
      for (let i = 0; i < 4; i++) await http.post(`/api/missions/${id}/log`).set(alice).send({ message: `e${i}` }).expect(202);
      const first = await http.get(`/api/missions/${id}/log?offset=0&limit=2`).set(alice).expect(200);
      expect(first.body).toMatchObject({ mission_id: id, next_offset: 2 });
      expect(first.body.log.map((e: LogEntry) => e.message)).toEqual(['Mission created', 'e0']);
      const last = await http.get(`/api/missions/${id}/log?offset=4&limit=2`).set(alice).expect(200);
      expect(last.body.log.map((e: LogEntry) => e.message)).toEqual(['e3']);
      expect(last.body.next_offset).toBeNull();
    });

    it.each(['offset=-1', 'offset=1.5', 'limit=0', 'limit=10001', 'limit=x'])('should answer 400 for %s', async (q) => {
      const id = await newMission();
      await http.get(`/api/missions/${id}/log?${q}`).set(alice).expect(400);
    });
  });

  describe('GET /stats/overview', () => {
    it('should count exactly the tenant\'s missions by status, with all five keys', async () => {
      const statsAuth = bearer(token({ sub: 's', tenant_id: 'stats-only' }));
      const empty = (await http.get('/api/missions/stats/overview').set(statsAuth).expect(200)).body;
      expect(empty).toEqual({
        stats: { total: 0, by_status: { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 }, last_updated: expect.any(Number) },
      });
      const a = await newMission({ name: 'a' }, statsAuth);
      await newMission({ name: 'b' }, statsAuth);
      await http.post(`/api/missions/${a}/cancel`).set(statsAuth).expect(200);
      const afterChange = (await http.get('/api/missions/stats/overview').set(statsAuth)).body.stats;
      expect(afterChange).toMatchObject({ total: 2, by_status: { PENDING: 1, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 1 } });
      await http.post(`/api/missions/${a}/log`).set(statsAuth).send({ message: 'no effect' }).expect(202);
      const afterLog = (await http.get('/api/missions/stats/overview').set(statsAuth)).body.stats;
      expect(afterLog).toEqual(afterChange);
    });
  });
});
