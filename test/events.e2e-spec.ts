import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import type { MissionEventEnvelope } from '../libs/missions/src/domain/mission-events.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

describe('Missions events over EventEmitter2', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  let emitter: EventEmitter2;
  const received: MissionEventEnvelope[] = [];
  const alice = bearer(token({ sub: 'alice', tenant_id: 'ev' }));

  beforeAll(async () => {
    t = await startMissionsApp('events');
    http = request(t.app.getHttpServer());
    emitter = t.app.get(EventEmitter2);
    emitter.onAny((_name: string | string[], event: MissionEventEnvelope) => {
      if (event?.source === 'missions_service') received.push(event);
    });
  });
  afterAll(() => t.close());

  const eventsOf = (id: string) => received.filter((e) => e.payload['mission_id'] === id);

  it('should publish created, status_changed and log_appended with the Charter envelope, in write order', async () => {
    const { body } = await http.post('/api/missions').set(alice).send({ name: 'E' }).expect(201);
    await http.post(`/api/missions/${body.id}/cancel`).set(alice).expect(200);
    await http.post(`/api/missions/${body.id}/log`).set(alice).send({ message: 'posted', level: 'debug' }).expect(202);
    const events = await eventually(async () => (eventsOf(body.id).length >= 5 ? eventsOf(body.id) : null));
    expect(events.map((e) => e.type)).toEqual([
      'mission.created', 'mission.log_appended', 'mission.status_changed', 'mission.log_appended', 'mission.log_appended',
    ]);
    expect(events[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      type: 'mission.created',
      source: 'missions_service',
      target: null,
      timestamp: body.created_at,
      payload: { mission_id: body.id, name: 'E', description: '', status: 'PENDING', created_at: body.created_at },
      meta: { tenant_id: 'ev', principal_id: 'alice' },
    });
    expect(events[2]).toMatchObject({
      target: `mission_${body.id}`,
      payload: { mission_id: body.id, old_status: 'PENDING', new_status: 'CANCELLED', changed_at: expect.any(Number) },
    });
    expect(events[4].payload).toMatchObject({ log_level: 'debug', message: 'posted', appended_at: expect.any(Number) });
  });

  it('should publish nothing for refused or no-op writes', async () => {
    const { body } = await http.post('/api/missions').set(alice).send({ name: 'quiet' }).expect(201);
    await eventually(async () => eventsOf(body.id).length === 2);
    await http.post(`/api/missions/${body.id}/status?mission_status=PENDING`).set(alice).expect(200);
    await http.post(`/api/missions/${body.id}/status?mission_status=COMPLETED`).set(alice).expect(409);
    await new Promise((r) => setTimeout(r, 50));
    expect(eventsOf(body.id)).toHaveLength(2);
  });

  it('should not fail or delay the request when a listener throws or is slow', async () => {
    const throwing = () => { throw new Error('listener bug'); };
    const rejecting = async () => { throw new Error('async listener bug'); };
    const slow = () => new Promise((resolve) => setTimeout(resolve, 2000));
    emitter.on('mission.created', throwing);
    emitter.on('mission.created', rejecting);
    emitter.on('mission.created', slow, { async: true, promisify: true });
    try {
      const started = Date.now();
      const res = await http.post('/api/missions').set(alice).send({ name: 'with bad listeners' });
      expect(res.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(1000);
      await eventually(async () => eventsOf(res.body.id).length === 2);
    } finally {
      emitter.off('mission.created', throwing);
      emitter.off('mission.created', rejecting);
      emitter.off('mission.created', slow);
    }
  });
});
