import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { deleteKeys } from '../../../../test/support/redis-test-keys.js';
import { eventually } from '../../../../test/support/missions-app.js';
import { MissionEventHub, type TenantEventListener } from './mission-event-hub.js';
import { BlockingEventReader, MissionEventsRepository, type StoredMissionEvent } from '../store/mission-events.repository.js';
import { resolveMissionsOptions, type ResolvedMissionsOptions } from '../options/missions.options.js';

const prefix = `test:hub:${randomUUID().slice(0, 8)}:`;
let redis: Redis;
let options: ResolvedMissionsOptions;

/** The real repository, whose blocking readers can be held between reads, as a slow process would be. */
class HeldReadsRepository extends MissionEventsRepository {
  held = false;
  /** Thrown by the next read that returns, as a dropped connection would. */
  failNext?: Error;
  private release: () => void = () => undefined;

  override openBlockingReader(tenantId: string | null, connectionName: string): BlockingEventReader {
    const reader = super.openBlockingReader(tenantId, connectionName);
    const readAfter = reader.readAfter.bind(reader);
    reader.readAfter = async (afterId, count, blockMs) => {
      if (this.held) await new Promise<void>((resolve) => (this.release = resolve));
      const events = await readAfter(afterId, count, blockMs);
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw failure;
      return events;
    };
    return reader;
  }

  resume(): void {
    this.held = false;
    this.release();
  }
}

class RecordingListener implements TenantEventListener {
  readonly received: string[] = [];
  interrupted = false;
  receive(events: StoredMissionEvent[]): void {
    this.received.push(...events.map((e) => e.envelope));
  }
  interrupt(): void {
    this.interrupted = true;
  }
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  options = resolveMissionsOptions({ keyPrefix: prefix, auth: { mode: 'host' }, redis: { client: redis } });
});

// A failed test must not leave a blocking reader that keeps Jest from exiting.
const hubs: MissionEventHub[] = [];
const newHub = (repository: MissionEventsRepository): MissionEventHub => {
  const hub = new MissionEventHub(repository, options);
  hubs.push(hub);
  return hub;
};

afterEach(() => {
  for (const hub of hubs.splice(0)) hub.onModuleDestroy();
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

describe(MissionEventHub.name, () => {
  const write = (repository: MissionEventsRepository, tenant: string, n: number) =>
    redis.xadd(repository.streamKey(tenant), '*', 'type', 't', 'mission', 'm', 'envelope', String(n));

  describe('subscribe', () => {
    it("should fan one reader's entries out to every listener of the tenant, written after subscribing", async () => {
      const repository = new HeldReadsRepository(redis, options);
      const sut = newHub(repository);
      await write(repository, 'fan', 0);
      const [a, b] = [new RecordingListener(), new RecordingListener()];
      const unsubscribeA = await sut.subscribe('fan', a);
      const unsubscribeB = await sut.subscribe('fan', b);
      expect(sut.activeReaders).toBe(1);
      await write(repository, 'fan', 1);
      await write(repository, 'fan', 2);
      await eventually(async () => a.received.length === 2 && b.received.length === 2);
      expect([a.received, b.received]).toEqual([['1', '2'], ['1', '2']]);
      unsubscribeA();
      expect(sut.activeReaders).toBe(1);
      unsubscribeB();
      expect(sut.activeReaders).toBe(0);
    });

    it('should interrupt its listeners when the stream was trimmed past what it had read', async () => {
      const repository = new HeldReadsRepository(redis, options);
      const sut = newHub(repository);
      const listener = new RecordingListener();
      await sut.subscribe('slow', listener);
      // The read in flight returns entry 1; the next one stalls while more than the stream keeps is written.
      repository.held = true;
      await write(repository, 'slow', 1);
      await eventually(async () => listener.received.length === 1);
      for (let n = 2; n <= 6; n++) await write(repository, 'slow', n);
      await redis.xtrim(repository.streamKey('slow'), 'MAXLEN', 2);
      repository.resume();
      await eventually(async () => listener.interrupted);
      expect(listener.received).toEqual(['1']);
      expect(sut.activeReaders).toBe(0);
    });

    it("should interrupt every listener of the tenant when a read fails, so clients see the drop and resume", async () => {
      const repository = new HeldReadsRepository(redis, options);
      const sut = newHub(repository);
      const [a, b] = [new RecordingListener(), new RecordingListener()];
      await sut.subscribe('broken', a);
      await sut.subscribe('broken', b);
      repository.failNext = new Error('Connection is closed.');
      await write(repository, 'broken', 1);
      await eventually(async () => a.interrupted && b.interrupted);
      expect(sut.activeReaders).toBe(0);
    });
  });

  describe('onModuleDestroy', () => {
    it('should interrupt every listener and close every reader', async () => {
      const repository = new HeldReadsRepository(redis, options);
      const sut = newHub(repository);
      const listeners = [new RecordingListener(), new RecordingListener()];
      await sut.subscribe('x', listeners[0]);
      await sut.subscribe('y', listeners[1]);
      expect(sut.activeReaders).toBe(2);
      sut.onModuleDestroy();
      expect(listeners.map((l) => l.interrupted)).toEqual([true, true]);
      expect(sut.activeReaders).toBe(0);
    });
  });
});
