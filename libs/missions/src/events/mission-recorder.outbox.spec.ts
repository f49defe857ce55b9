import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Redis } from 'ioredis';
import { deleteKeys } from '../../../../test/support/redis-test-keys.js';
import type { MissionEventEnvelope } from '../domain/mission-events.js';
import { MissionRecorder } from './mission-recorder.js';
import type { Mission } from '../domain/mission.types.js';
import { resolveMissionsOptions } from '../options/missions.options.js';
import { MissionsPublisher } from './missions.publisher.js';
import { MissionDispatchRepository } from '../store/mission-dispatch.repository.js';
import { MissionsRepository } from '../store/missions.repository.js';

// The durable outbox, end to end below the service: every write goes through the real
// recorder and repository, and the tenant's whole stream is compared before and after, so
// an entry written for the wrong mission or a stray extra entry fails too.
const prefix = `test:outbox:${randomUUID().slice(0, 8)}:`;
let redis: Redis;
let repository: MissionsRepository;
let sut: MissionRecorder;
const emitted: MissionEventEnvelope[] = [];
const tenant = 'outbox';
const actor = { tenantId: tenant, principalId: 'user-42' };

interface StreamEntry {
  id: string;
  type: string;
  mission: string;
  envelope: MissionEventEnvelope;
}

async function streamEntries(): Promise<StreamEntry[]> {
  const entries = await redis.xrange(repository.keysFor(tenant).events, '-', '+');
  return entries.map(([id, fields]) => {
    const record = Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])));
    return { id, type: record.type, mission: record.mission, envelope: JSON.parse(record.envelope) as MissionEventEnvelope };
  });
}

/** The stream entries and emitted events `write` added, once the deferred emission ran. */
async function appendedBy(write: () => Promise<unknown>): Promise<{ entries: StreamEntry[]; emitted: MissionEventEnvelope[] }> {
  const before = (await streamEntries()).length;
  const emittedBefore = emitted.length;
  await write();
  await new Promise((resolve) => setImmediate(resolve));
  return { entries: (await streamEntries()).slice(before), emitted: emitted.slice(emittedBefore) };
}

function newMission(id: string = randomUUID()): Mission {
  const now = Date.now();
  return {
    id, name: 'outbox', description: null, data: {}, status: 'PENDING', createdAt: now, updatedAt: now,
    tenantId: tenant, createdBy: 'user-42', version: 1,
  };
}

const idempotency = (key: string, fingerprint: string) => ({ key, fingerprint, ttlSeconds: 60 });

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const options = resolveMissionsOptions({ keyPrefix: prefix, auth: { mode: 'host' }, redis: { client: redis } });
  repository = new MissionsRepository(redis, options, new MissionDispatchRepository(redis, options));
  const emitter = new EventEmitter2({ wildcard: false });
  emitter.onAny((_name: string | string[], event: MissionEventEnvelope) => void emitted.push(event));
  sut = new MissionRecorder(repository, new MissionsPublisher(emitter));
});

beforeEach(() => {
  emitted.length = 0;
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe(MissionRecorder.name, () => {
  describe('durable event stream (outbox)', () => {
    it('should append exactly the created and log_appended entries of a create, in order, and emit the same events', async () => {
      const mission = newMission();
      const { entries, emitted: published } = await appendedBy(() => sut.create(mission, actor));
      expect(entries.map((e) => [e.type, e.mission])).toEqual([
        ['mission.created', mission.id],
        ['mission.log_appended', mission.id],
      ]);
      expect(entries.map((e) => e.envelope)).toEqual(published);
      expect(entries[0].envelope.payload).toMatchObject({ mission_id: mission.id, status: 'PENDING' });
    });

    it('should append exactly status_changed and log_appended for a legal status change', async () => {
      const mission = newMission();
      await sut.create(mission, actor);
      const { entries, emitted: published } = await appendedBy(() => sut.changeStatus(tenant, mission.id, 'RUNNING', actor));
      expect(entries.map((e) => [e.type, e.mission])).toEqual([
        ['mission.status_changed', mission.id],
        ['mission.log_appended', mission.id],
      ]);
      expect(entries[0].envelope.payload).toMatchObject({ old_status: 'PENDING', new_status: 'RUNNING' });
      expect(entries.map((e) => e.envelope)).toEqual(published);
    });

    it('should append exactly one log_appended for a log entry', async () => {
      const mission = newMission();
      await sut.create(mission, actor);
      const entry = { timestamp: Date.now() / 1000, level: 'warning' as const, message: 'disk at 80%', data: {} };
      const { entries, emitted: published } = await appendedBy(() => sut.appendLog(tenant, mission.id, entry, actor));
      expect(entries.map((e) => [e.type, e.mission, e.envelope.payload.message])).toEqual([
        ['mission.log_appended', mission.id, 'disk at 80%'],
      ]);
      expect(entries.map((e) => e.envelope)).toEqual(published);
    });

    it('should give entries increasing ids in write order across missions', async () => {
      const [a, b] = [newMission(), newMission()];
      const { entries } = await appendedBy(async () => {
        await sut.create(a, actor);
        await sut.create(b, actor);
        await sut.changeStatus(tenant, a.id, 'CANCELLED', actor);
      });
      expect(entries.map((e) => e.mission)).toEqual([a.id, a.id, b.id, b.id, a.id, a.id]);
      const ids = entries.map((e) => e.id.split('-').map(Number));
      for (let i = 1; i < ids.length; i++) {
        expect(ids[i][0] > ids[i - 1][0] || (ids[i][0] === ids[i - 1][0] && ids[i][1] > ids[i - 1][1])).toBe(true);
      }
    });

    describe('a refused or no-op write appends nothing and emits nothing', () => {
      let pending: Mission;
      let completed: Mission;

      beforeAll(async () => {
        pending = newMission();
        completed = newMission();
        await sut.create(pending, actor, idempotency('key-1', 'fingerprint-1'));
        await sut.create(completed, actor);
        await sut.changeStatus(tenant, completed.id, 'RUNNING', actor);
        await sut.changeStatus(tenant, completed.id, 'COMPLETED', actor);
      });

      const refused: [string, () => Promise<{ kind: string } | boolean>, string | boolean][] = [
        ['create with a taken id (409)', () => sut.create(newMission(pending.id), actor), 'id_taken'],
        ['an idempotent replay', () => sut.create(newMission(), actor, idempotency('key-1', 'fingerprint-1')), 'replayed'],
        ['an Idempotency-Key reused with another body (422)', () => sut.create(newMission(), actor, idempotency('key-1', 'other')), 'idempotency_mismatch'],
        ['a status change to the current status (no-op)', () => sut.changeStatus(tenant, pending.id, 'PENDING', actor), 'unchanged'],
        ['an illegal status change (409)', () => sut.changeStatus(tenant, pending.id, 'COMPLETED', actor), 'conflict'],
        ['a status change out of a terminal status (409)', () => sut.changeStatus(tenant, completed.id, 'CANCELLED', actor), 'conflict'],
        ['a status change of an unknown mission (404)', () => sut.changeStatus(tenant, 'nope', 'RUNNING', actor), 'not_found'],
        ["a status change of another tenant's mission (404)", () => sut.changeStatus('other', pending.id, 'CANCELLED', actor), 'not_found'],
        ['a log entry for an unknown mission (404)', () => sut.appendLog(tenant, 'nope', { timestamp: 1, level: 'info', message: 'x', data: {} }, actor), false],
      ];

      it.each(refused)('%s', async (_name, write, expected) => {
        let outcome: unknown;
        const { entries, emitted: published } = await appendedBy(async () => {
          outcome = await write();
        });
        expect(typeof outcome === 'boolean' ? outcome : (outcome as { kind: string }).kind).toBe(expected);
        expect(entries).toEqual([]);
        expect(published).toEqual([]);
        expect(await redis.exists(repository.keysFor('other').events)).toBe(0);
      });
    });
  });
});
