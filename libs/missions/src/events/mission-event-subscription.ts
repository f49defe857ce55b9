import { compareStreamIds, STREAM_START_ID } from '../domain/event-stream-id.js';
import type { TenantEventListener } from './mission-event-hub.js';
import { trimmedPast, type StoredMissionEvent, type StreamInfo } from '../store/mission-events.repository.js';

/** Where a client stands when its stream starts: entries after `afterId`, maybe past a gap. */
export interface StreamStart {
  afterId: string;
  /** Set when the entries right after the client's Last-Event-ID were trimmed. */
  gap?: StreamGap;
}

/** What the `gap` event tells the client: it missed entries between these two ids. */
export interface StreamGap {
  last_event_id: string;
  first_available_id: string | null;
}

/** Where a subscription writes to: the HTTP side (see SseResponse). */
export interface MissionEventSink {
  /** false when the client is not keeping up; wait for {@link drained} before writing on. */
  event(event: StoredMissionEvent): boolean;
  gap(gap: StreamGap): void;
  drained(): Promise<void>;
  end(): void;
}

/** A page of the stream after an id, oldest first ([] at the end), and the stream's state just after. */
export type ReadPage = (afterId: string) => Promise<{ events: StoredMissionEvent[]; info: StreamInfo }>;

// Entries that arrive live while the catch-up is still paging; beyond it the client is
// disconnected and catches up again with its Last-Event-ID.
const MAX_PENDING = 10_000;

/**
 * One client's view of a tenant stream: first what it missed (paged from Redis), then what
 * the hub delivers live. Live entries are held back during the catch-up and then only those
 * after the last id already sent go out, so nothing is sent twice or skipped.
 */
export class MissionEventSubscription implements TenantEventListener {
  private sink?: MissionEventSink;
  private cursor = STREAM_START_ID;
  private pending: StoredMissionEvent[] = [];
  private live = false;
  private closed = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly missionId: string | null,
    private readonly readPage: ReadPage,
  ) {}

  /** Attaches the hub's unsubscribe, run on close. */
  attach(unsubscribe: () => void): void {
    this.unsubscribe = unsubscribe;
  }

  /** Sends the gap (if any) and the catch-up, then goes live. Rejects if a page read fails. */
  async run(start: StreamStart, sink: MissionEventSink): Promise<void> {
    this.sink = sink;
    this.cursor = start.afterId;
    // Entries from here on must reach the client, or a gap must say they cannot.
    let floor = start.gap?.first_available_id ?? start.afterId;
    if (start.gap) sink.gap(start.gap);
    for (;;) {
      const { events, info } = await this.readPage(this.cursor);
      if (this.closed || events.length === 0) break;
      const reached = compareStreamIds(this.cursor, floor) > 0 ? this.cursor : floor;
      if (trimmedPast(info, reached)) {
        sink.gap({ last_event_id: this.cursor, first_available_id: info.first });
        floor = info.first!;
      }
      for (const event of events) {
        if (!this.send(event)) await sink.drained();
      }
    }
    if (this.closed) return sink.end();
    const pending = this.pending;
    this.pending = [];
    this.live = true;
    this.receive(pending);
  }

  receive(events: StoredMissionEvent[]): void {
    if (this.closed) return;
    if (!this.live) {
      this.pending.push(...events);
      if (this.pending.length > MAX_PENDING) this.interrupt();
      return;
    }
    for (const event of events) this.send(event);
  }

  interrupt(): void {
    this.sink?.end();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.unsubscribe();
  }

  private send(event: StoredMissionEvent): boolean {
    if (this.closed || compareStreamIds(event.id, this.cursor) <= 0) return true;
    this.cursor = event.id;
    if (this.missionId !== null && event.missionId !== this.missionId) return true;
    return this.sink!.event(event);
  }
}
