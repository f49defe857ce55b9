import { describe, expect, it } from '@jest/globals';
import { compareStreamIds } from '../domain/event-stream-id.js';
import { MissionEventSubscription, type MissionEventSink, type StreamGap } from './mission-event-subscription.js';
import type { StoredMissionEvent } from '../store/mission-events.repository.js';

const entry = (ms: number, missionId = 'a'): StoredMissionEvent => ({ id: `${ms}-0`, type: 'mission.log_appended', missionId, envelope: `{"n":${ms}}` });

/**
 * An in-memory stream read in pages of two, like XRANGE (after, +, COUNT 2) with XINFO after
 * it. `onRead` may trim it (shift entries off) as Redis would between reads.
 */
function pagedStream(entries: StoredMissionEvent[], onRead: (afterId: string) => void = () => undefined, trimmed = () => false) {
  return async (afterId: string) => {
    onRead(afterId);
    const events = entries.filter((e) => compareStreamIds(e.id, afterId) > 0).slice(0, 2);
    return { events, info: { first: entries[0]?.id ?? null, last: entries.at(-1)?.id ?? null, trimmed: trimmed() } };
  };
}

class RecordingSink implements MissionEventSink {
  readonly written: string[] = [];
  ended = false;
  full = false;
  drains = 0;
  event(event: StoredMissionEvent): boolean {
    this.written.push(event.id);
    return !this.full;
  }
  gap(gap: StreamGap): void {
    this.written.push(`gap:${gap.last_event_id}>${gap.first_available_id}`);
  }
  async drained(): Promise<void> {
    this.drains += 1;
  }
  end(): void {
    this.ended = true;
  }
}

describe(MissionEventSubscription.name, () => {
  describe('run', () => {
    it('should send the catch-up, then live entries, each once, even when live ones arrive during the catch-up', async () => {
      const stored = [1, 2, 3, 4, 5].map((ms) => entry(ms));
      // While the catch-up pages, the hub already delivers 4..6 (4 and 5 are in the catch-up too).
      const sut: MissionEventSubscription = new MissionEventSubscription(null, pagedStream(stored, (afterId) => afterId === '3-0' && sut.receive([entry(4), entry(5), entry(6)])));
      const sink = new RecordingSink();
      await sut.run({ afterId: '1-0' }, sink);
      sut.receive([entry(6), entry(7)]);
      expect(sink.written).toEqual(['2-0', '3-0', '4-0', '5-0', '6-0', '7-0']);
    });

    it("should send only the mission's entries when it has one", async () => {
      const sut = new MissionEventSubscription('a', pagedStream([entry(1, 'a'), entry(2, 'b'), entry(3, 'a')]));
      const sink = new RecordingSink();
      await sut.run({ afterId: '0-0' }, sink);
      sut.receive([entry(4, 'b'), entry(5, 'a')]);
      expect(sink.written).toEqual(['1-0', '3-0', '5-0']);
    });

    it('should send the gap before anything else', async () => {
      const sut = new MissionEventSubscription(null, pagedStream([entry(7), entry(8)]));
      const sink = new RecordingSink();
      await sut.run({ afterId: '0-0', gap: { last_event_id: '3-0', first_available_id: '7-0' } }, sink);
      expect(sink.written).toEqual(['gap:3-0>7-0', '7-0', '8-0']);
    });

    it('should send a gap first when the entries after the client id were trimmed', async () => {
      const sut = new MissionEventSubscription(null, pagedStream([entry(5), entry(6)], undefined, () => true));
      const sink = new RecordingSink();
      await sut.run({ afterId: '2-0' }, sink);
      expect(sink.written).toEqual(['gap:2-0>5-0', '5-0', '6-0']);
    });

    it('should send no gap for an old id when nothing was ever trimmed', async () => {
      const sut = new MissionEventSubscription(null, pagedStream([entry(5), entry(6)]));
      const sink = new RecordingSink();
      await sut.run({ afterId: '2-0' }, sink);
      expect(sink.written).toEqual(['5-0', '6-0']);
    });

    it('should send a gap when the stream is trimmed past the catch-up while it pages', async () => {
      const stored = [1, 2, 3, 4, 5, 6, 7].map((ms) => entry(ms));
      // After the first page (1, 2) the writers trim 1..4 away.
      const sut = new MissionEventSubscription(null, pagedStream(stored, (afterId) => afterId === '2-0' && stored.splice(0, 4), () => stored.length < 7));
      const sink = new RecordingSink();
      await sut.run({ afterId: '0-0' }, sink);
      expect(sink.written).toEqual(['1-0', '2-0', 'gap:2-0>5-0', '5-0', '6-0', '7-0']);
    });

    it('should not repeat the gap it started with', async () => {
      const sut = new MissionEventSubscription(null, pagedStream([entry(5), entry(6), entry(7)], undefined, () => true));
      const sink = new RecordingSink();
      await sut.run({ afterId: '0-0', gap: { last_event_id: '99-0', first_available_id: '5-0' } }, sink);
      expect(sink.written).toEqual(['gap:99-0>5-0', '5-0', '6-0', '7-0']);
    });

    it('should wait for the client to drain when a catch-up write is refused', async () => {
      const sut = new MissionEventSubscription(null, pagedStream([entry(1), entry(2), entry(3)]));
      const sink = new RecordingSink();
      sink.full = true;
      await sut.run({ afterId: '0-0' }, sink);
      expect(sink.drains).toBe(3);
    });
  });

  describe('receive', () => {
    it('should disconnect a client whose live backlog overflows during the catch-up', async () => {
      let unsubscribed = 0;
      const flood = Array.from({ length: 10_001 }, (_, i) => entry(100 + i));
      const sut: MissionEventSubscription = new MissionEventSubscription(null, pagedStream([entry(1)], () => sut.receive(flood)));
      sut.attach(() => unsubscribed++);
      const sink = new RecordingSink();
      await sut.run({ afterId: '0-0' }, sink);
      expect(sink.ended).toBe(true);
      expect(unsubscribed).toBe(1);
      expect(sink.written.length).toBeLessThanOrEqual(1);
    });
  });

  describe('close', () => {
    it('should unsubscribe once and send nothing more', async () => {
      let unsubscribed = 0;
      const sut = new MissionEventSubscription(null, pagedStream([]));
      sut.attach(() => unsubscribed++);
      const sink = new RecordingSink();
      await sut.run({ afterId: '0-0' }, sink);
      sut.close();
      sut.close();
      sut.receive([entry(9)]);
      expect(unsubscribed).toBe(1);
      expect(sink.written).toEqual([]);
    });
  });
});
