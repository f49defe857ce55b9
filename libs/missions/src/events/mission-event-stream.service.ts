import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../domain/principal.js';
import { compareStreamIds, isStreamId, STREAM_START_ID } from '../domain/event-stream-id.js';
import { MissionEventHub } from './mission-event-hub.js';
import { MissionEventSubscription, type MissionEventSink, type StreamStart } from './mission-event-subscription.js';
import { MissionEventsRepository } from '../store/mission-events.repository.js';
import { MissionsRepository } from '../store/missions.repository.js';

/** An opened, not yet started, stream of one client: `run` writes to the sink until `close`. */
export interface MissionEventStream {
  run(sink: MissionEventSink): Promise<void>;
  close(): void;
}

export interface OpenEventStream {
  /** null for the whole tenant. */
  missionId: string | null;
  /** The client's `Last-Event-ID`; absent: only entries written from now on. */
  lastEventId?: string;
}

// Catch-up pages: large enough for few round trips, small enough to interleave with writes.
const CATCH_UP_PAGE = 500;

/** Live updates: the caller's tenant's durable event stream, resumable by entry id. */
@Injectable()
export class MissionEventStreamService {
  constructor(
    private readonly missions: MissionsRepository,
    private readonly events: MissionEventsRepository,
    private readonly hub: MissionEventHub,
  ) {}

  /**
   * Checks the request and subscribes; everything written after it resolves reaches the
   * stream. 400 for a malformed Last-Event-ID, 404 for a mission the caller cannot see.
   */
  async open(principal: Principal, { missionId, lastEventId: sent }: OpenEventStream): Promise<MissionEventStream> {
    // Some clients send the header empty when they have no id yet; that means none.
    const lastEventId = sent === '' ? undefined : sent;
    if (lastEventId !== undefined && !isStreamId(lastEventId)) {
      throw new BadRequestException(['Last-Event-ID must be a stream entry id such as 1703001234567-0']);
    }
    const tenantId = principal.tenant_id;
    if (missionId !== null && !(await this.missions.findMission(tenantId, missionId))) {
      throw new NotFoundException('Mission not found');
    }
    const subscription = new MissionEventSubscription(missionId, (afterId) => this.events.readAfter(tenantId, afterId, CATCH_UP_PAGE));
    // Subscribed before the start is read, so no entry falls between the catch-up and the feed.
    subscription.attach(await this.hub.subscribe(tenantId, subscription));
    try {
      const start = await this.startOf(tenantId, lastEventId);
      return { run: (sink) => subscription.run(start, sink), close: () => subscription.close() };
    } catch (error) {
      subscription.close();
      throw error;
    }
  }

  private async startOf(tenantId: string | null, lastEventId: string | undefined): Promise<StreamStart> {
    const { first, last } = await this.events.info(tenantId);
    if (lastEventId === undefined) return { afterId: last ?? STREAM_START_ID };
    // Newer than any id the stream generated: not one of its ids (e.g. Redis lost its data), so
    // the client is told and gets everything kept. An id whose successors were trimmed is
    // caught by the catch-up's first page (MissionEventSubscription.run).
    if (last !== null && compareStreamIds(lastEventId, last) > 0) {
      return { afterId: STREAM_START_ID, gap: { last_event_id: lastEventId, first_available_id: first } };
    }
    return { afterId: lastEventId };
  }
}
