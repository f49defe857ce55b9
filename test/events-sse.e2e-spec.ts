import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { MissionEventHub, connectionName } from '../libs/missions/src/events/mission-event-hub.js';
import { missionKeys } from '../libs/missions/src/store/mission-keys.js';
import { masterNodes, type MissionsRedisClient } from '../libs/missions/src/store/redis-connection.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { connectTestRedis } from './support/redis-test-keys.js';
import { SseClient, type SseFrame } from './support/sse-client.js';
import { bearer, token } from './support/tokens.js';

const HEARTBEAT_MS = 100;

/** The hub's reader connections of the app on `prefix`, as Redis itself lists them. */
async function readerConnections(redis: MissionsRedisClient, prefix: string): Promise<number> {
  // On a cluster, each reader holds a connection to the master of its tenant's slot.
  const lists = await Promise.all(masterNodes(redis).map(async (node) => (await node.client('LIST')) as string));
  return lists.join('\n').split('\n').filter((line) => line.includes(` name=${connectionName(prefix)} `)).length;
}

describe('Missions live updates over SSE', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  let base: string;
  const open: SseClient[] = [];
  let tenantCounter = 0;

  /** A fresh tenant per test, so each test sees a stream of its own. */
  const newTenant = () => {
    const tenant = `sse-${++tenantCounter}`;
    const jwt = token({ sub: `user-${tenant}`, tenant_id: tenant });
    return { tenant, jwt, auth: bearer(jwt), streamKey: missionKeys(t.prefix, tenant).events };
  };
  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const client = await SseClient.connect(`${base}${path}`, headers);
    open.push(client);
    return client;
  };
  const create = async (auth: Record<string, string>, name = 'm') => (await http.post('/api/missions').set(auth).send({ name }).expect(201)).body as { id: string };
  const streamIds = async (key: string) => (await t.redis.xrange(key, '-', '+')).map(([id]) => id);
  const missionOf = (frame: SseFrame) => (JSON.parse(frame.data!) as { payload: { mission_id: string } }).payload.mission_id;

  beforeAll(async () => {
    t = await startMissionsApp('sse', { sseHeartbeatMs: HEARTBEAT_MS });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    http = request(t.app.getHttpServer());
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => t.close());

  it('should stream the tenant events in write order, id = stream entry id, event = type, data = envelope', async () => {
    const { auth, streamKey } = newTenant();
    const client = await connect('/api/missions/events', auth);
    expect(client.status).toBe(200);
    expect(client.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive', 'x-accel-buffering': 'no',
    });
    const mission = await create(auth, 'live');
    await http.post(`/api/missions/${mission.id}/cancel`).set(auth).expect(200);
    await http.post(`/api/missions/${mission.id}/log`).set(auth).send({ message: 'posted' }).expect(202);

    const events = await client.waitForEvents(5);
    expect(events.map((e) => e.event)).toEqual([
      'mission.created', 'mission.log_appended', 'mission.status_changed', 'mission.log_appended', 'mission.log_appended',
    ]);
    expect(events.map((e) => e.id)).toEqual(await streamIds(streamKey));
    const stored = await t.redis.xrange(streamKey, '-', '+');
    expect(events.map((e) => e.data)).toEqual(stored.map(([, fields]) => fields[fields.indexOf('envelope') + 1]));
    expect(JSON.parse(events[0].data!)).toMatchObject({ type: 'mission.created', payload: { mission_id: mission.id, name: 'live' } });
  });

  it('should send only events written after connecting when there is no Last-Event-ID', async () => {
    const { auth } = newTenant();
    await create(auth, 'before');
    const client = await connect('/api/missions/events', auth);
    const after = await create(auth, 'after');
    const events = await client.waitForEvents(2);
    expect(events.map(missionOf)).toEqual([after.id, after.id]);
  });

  it('should read an empty Last-Event-ID as none', async () => {
    const { auth } = newTenant();
    await create(auth, 'before');
    const client = await connect('/api/missions/events', { ...auth, 'Last-Event-ID': '' });
    const after = await create(auth, 'after');
    expect((await client.waitForEvents(2)).map(missionOf)).toEqual([after.id, after.id]);
  });

  it("should stream one mission's events only on /{id}/events", async () => {
    const { auth } = newTenant();
    const [watched, other] = [await create(auth), await create(auth)];
    const client = await connect(`/api/missions/${watched.id}/events`, auth);
    await http.post(`/api/missions/${other.id}/log`).set(auth).send({ message: 'other' }).expect(202);
    await http.post(`/api/missions/${watched.id}/log`).set(auth).send({ message: 'mine' }).expect(202);
    await http.post(`/api/missions/${other.id}/cancel`).set(auth).expect(200);
    await http.post(`/api/missions/${watched.id}/cancel`).set(auth).expect(200);
    const events = await client.waitForEvents(3);
    await client.until(() => client.frames.some((f) => f.comment === 'ping'), 2000, 'heartbeat');
    expect(client.events.map((e) => [e.event, missionOf(e)])).toEqual([
      ['mission.log_appended', watched.id], ['mission.status_changed', watched.id], ['mission.log_appended', watched.id],
    ]);
    expect(events).toHaveLength(3);
  });

  it("should never send another tenant's events", async () => {
    const [alice, bob] = [newTenant(), newTenant()];
    const client = await connect('/api/missions/events', bob.auth);
    await create(alice.auth, 'alice-1');
    await create(alice.auth, 'alice-2');
    const own = await create(bob.auth, 'bob');
    // Bob's stream is written after Alice's, so had hers leaked they would come first.
    const events = await client.waitForEvents(2);
    await client.until(() => client.frames.some((f) => f.comment === 'ping'), 2000, 'heartbeat');
    expect(client.events.map(missionOf)).toEqual([own.id, own.id]);
    expect(events.every((e) => JSON.parse(e.data!).meta.tenant_id === bob.tenant)).toBe(true);
  });

  it('should send heartbeat comments on an idle stream', async () => {
    const { auth } = newTenant();
    const client = await connect('/api/missions/events', auth);
    await client.until(() => client.frames.filter((f) => f.comment === 'ping').length >= 2, 2000, 'two heartbeats');
    expect(client.events).toEqual([]);
    expect(client.body.startsWith(': ping\n\n')).toBe(true);
  });

  it("should answer 404 before streaming for an unknown or another tenant's mission", async () => {
    const [alice, bob] = [newTenant(), newTenant()];
    const hers = await create(alice.auth);
    for (const path of [`/api/missions/${hers.id}/events`, '/api/missions/nope/events']) {
      const client = await connect(path, bob.auth);
      await client.until(() => client.closed);
      expect([client.status, JSON.parse(client.body)]).toEqual([404, { statusCode: 404, message: 'Mission not found', error: 'Not Found' }]);
    }
  });

  describe('authentication', () => {
    it.each(['/api/missions/events', '/api/missions/any/events'])('should answer 401 on %s without a token', async (path) => {
      const client = await connect(path);
      await client.until(() => client.closed);
      expect(client.status).toBe(401);
    });

    it('should accept the token as ?access_token= on the event routes only', async () => {
      const { auth, jwt } = newTenant();
      const mission = await create(auth);
      const tenantWide = await connect(`/api/missions/events?access_token=${jwt}`);
      const oneMission = await connect(`/api/missions/${mission.id}/events?access_token=${jwt}`);
      expect([tenantWide.status, oneMission.status]).toEqual([200, 200]);
      await http.post(`/api/missions/${mission.id}/cancel`).set(auth).expect(200);
      await tenantWide.waitForEvents(2);
      await oneMission.waitForEvents(2);
      await http.get(`/api/missions?access_token=${jwt}`).expect(401);
      await http.get(`/api/missions/${mission.id}?access_token=${jwt}`).expect(401);
    });

    it('should refuse a bad ?access_token=', async () => {
      const client = await connect('/api/missions/events?access_token=not.a.jwt');
      await client.until(() => client.closed);
      expect(client.status).toBe(401);
    });
  });

  describe('Last-Event-ID', () => {
    it('should resume exactly after the given id: nothing twice, nothing lost', async () => {
      const { auth, streamKey } = newTenant();
      const first = await connect('/api/missions/events', auth);
      const mission = await create(auth);
      await http.post(`/api/missions/${mission.id}/log`).set(auth).send({ message: 'one' }).expect(202);
      const seen = await first.waitForEvents(3);
      first.close();
      const resumeAfter = seen[1].id!;
      await http.post(`/api/missions/${mission.id}/log`).set(auth).send({ message: 'two' }).expect(202);
      await http.post(`/api/missions/${mission.id}/cancel`).set(auth).expect(200);

      const second = await connect('/api/missions/events', { ...auth, 'Last-Event-ID': resumeAfter });
      await http.post(`/api/missions/${mission.id}/log`).set(auth).send({ message: 'live' }).expect(202);
      const all = await streamIds(streamKey);
      expect(all).toHaveLength(7);
      await second.waitForEvents(5);
      await second.until(() => second.frames.some((f) => f.comment === 'ping'), 2000, 'heartbeat');
      expect(second.events.map((e) => e.id)).toEqual(all.slice(2));
      expect(second.events.some((e) => e.event === 'gap')).toBe(false);
    });

    it('should send a gap event first when the entries after the id were trimmed, then everything kept', async () => {
      const { auth, streamKey } = newTenant();
      const mission = await create(auth);
      for (const message of ['a', 'b', 'c']) {
        await http.post(`/api/missions/${mission.id}/log`).set(auth).send({ message }).expect(202);
      }
      const before = await streamIds(streamKey);
      // Exact trimming (MAXLEN ~ trims whole macro nodes, lazily): keep the last two of five.
      await t.redis.xtrim(streamKey, 'MAXLEN', 2);
      const client = await connect(`/api/missions/${mission.id}/events`, { ...auth, 'Last-Event-ID': before[0] });
      const events = await client.waitForEvents(3);
      expect(events[0]).toEqual({ event: 'gap', data: JSON.stringify({ last_event_id: before[0], first_available_id: before[3] }) });
      expect(events.slice(1).map((e) => e.id)).toEqual(before.slice(3));
    });

    it('should send no gap for an old id when nothing was ever trimmed', async () => {
      const { auth, streamKey } = newTenant();
      await create(auth);
      const client = await connect('/api/missions/events', { ...auth, 'Last-Event-ID': '0-0' });
      await client.waitForEvents(2);
      expect(client.events.map((e) => e.id)).toEqual(await streamIds(streamKey));
    });

    it('should send a gap for an id newer than any in the stream (e.g. Redis lost its data)', async () => {
      const { auth, streamKey } = newTenant();
      await create(auth);
      const client = await connect('/api/missions/events', { ...auth, 'Last-Event-ID': '99999999999999-0' });
      const events = await client.waitForEvents(3);
      const ids = await streamIds(streamKey);
      expect(JSON.parse(events[0].data!)).toEqual({ last_event_id: '99999999999999-0', first_available_id: ids[0] });
      expect(events.slice(1).map((e) => e.id)).toEqual(ids);
    });

    it.each(['abc', '1703001234567', '$', '1-2-3', '99999999999999999999999-0'])('should answer 400 for Last-Event-ID %p', async (lastEventId) => {
      const { auth } = newTenant();
      const client = await connect('/api/missions/events', { ...auth, 'Last-Event-ID': lastEventId });
      await client.until(() => client.closed);
      expect(client.status).toBe(400);
      expect(JSON.parse(client.body).message).toEqual(['Last-Event-ID must be a stream entry id such as 1703001234567-0']);
    });
  });

  it('should deliver events written through another instance of the service (through Redis, not in-process)', async () => {
    const { auth } = newTenant();
    const other = await startMissionsApp('sse-other', { keyPrefix: t.prefix });
    try {
      const client = await connect('/api/missions/events', auth);
      const { body } = await request(other.app.getHttpServer()).post('/api/missions').set(auth).send({ name: 'elsewhere' }).expect(201);
      expect((await client.waitForEvents(2)).map(missionOf)).toEqual([body.id, body.id]);
    } finally {
      await other.app.close();
      await other.redis.quit();
    }
  });

  it('should read each tenant with one Redis connection however many clients, and release it when they leave', async () => {
    const hub = t.app.get(MissionEventHub);
    await eventually(async () => (await readerConnections(t.redis, t.prefix)) === 0 && hub.activeReaders === 0);
    const [alice, bob] = [newTenant(), newTenant()];
    const clients = [
      await connect('/api/missions/events', alice.auth),
      await connect('/api/missions/events', alice.auth),
      await connect('/api/missions/events', alice.auth),
      await connect('/api/missions/events', bob.auth),
    ];
    expect(hub.activeReaders).toBe(2);
    // On a cluster a reader's connection opens once it knows the slots: poll, do not sample.
    await eventually(async () => (await readerConnections(t.redis, t.prefix)) === 2);
    const mission = await create(alice.auth);
    for (const client of clients.slice(0, 3)) expect((await client.waitForEvents(2)).map(missionOf)).toEqual([mission.id, mission.id]);
    for (const client of clients) client.close();
    await eventually(async () => (await readerConnections(t.redis, t.prefix)) === 0 && hub.activeReaders === 0);
  });
});

describe('Missions live updates over SSE: shutdown', () => {
  it('should end open streams and close their reader connections when the app closes', async () => {
    const t = await startMissionsApp('sse-shutdown');
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const client = await SseClient.connect(`http://127.0.0.1:${port}/api/missions/events`, bearer(token({ sub: 'u', tenant_id: 'x' })));
    expect(client.status).toBe(200);
    await eventually(async () => (await readerConnections(t.redis, t.prefix)) === 1);
    const observer = await connectTestRedis();
    await t.close();
    await client.until(() => client.closed, 2000, 'end of stream');
    await eventually(async () => (await readerConnections(observer, t.prefix)) === 0);
    await observer.quit();
  });
});
