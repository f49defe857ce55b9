import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { compareStreamIds } from '../domain/event-stream-id.js';
import { missionKeys } from './mission-keys.js';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { blockingDuplicate, type MissionsRedisClient } from './redis-connection.js';
import { isStoreUnavailable, storeRoundTrip } from './redis-store-errors.js';

/** One entry of a tenant's durable event stream; `envelope` is the event's JSON as stored. */
export interface StoredMissionEvent {
  id: string;
  type: string;
  missionId: string;
  envelope: string;
}

/** What a reader needs to know of a stream before it resumes; ids null when there is none. */
export interface StreamInfo {
  /** The oldest entry still kept. */
  first: string | null;
  /** The newest id ever generated, even if that entry is gone. */
  last: string | null;
  /** Whether any entry was ever trimmed or deleted (always true on Redis < 7, which cannot tell). */
  trimmed: boolean;
}

type RawEntry = [id: string, fields: string[]];

/**
 * Reads the tenant event streams the write scripts append to (the durable outbox). Plain
 * reads use the module's shared client; blocking reads need a connection of their own, see
 * {@link BlockingEventReader}.
 */
@Injectable()
export class MissionEventsRepository {
  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {}

  streamKey(tenantId: string | null): string {
    return missionKeys(this.options.keyPrefix, tenantId).events;
  }

  /**
   * Up to `count` entries strictly after `afterId`, oldest first, with the stream's state read
   * in the same round trip, just after them (see {@link trimmedPast}).
   */
  async readAfter(tenantId: string | null, afterId: string, count: number): Promise<{ events: StoredMissionEvent[]; info: StreamInfo }> {
    const key = this.streamKey(tenantId);
    const replies = await this.exec('read_events', this.redis.pipeline().xrange(key, `(${afterId}`, '+', 'COUNT', count).exists(key).xinfo('STREAM', key));
    const [[rangeError, entries], ...info] = replies;
    if (rangeError) throw rangeError;
    return { events: toEvents(entries as RawEntry[]), info: parseInfo(info) };
  }

  async info(tenantId: string | null): Promise<StreamInfo> {
    const key = this.streamKey(tenantId);
    return parseInfo(await this.exec('stream_info', this.redis.pipeline().exists(key).xinfo('STREAM', key)));
  }

  /**
   * One pipelined round trip. A pipeline does not reject when Redis is away: each reply slot
   * carries the error instead. Those become a StoreUnavailableError (503); reply errors of the
   * commands themselves (XINFO on a missing stream) stay in their slots for the caller.
   */
  private exec(operation: string, pipeline: ReturnType<MissionsRedisClient['pipeline']>): Promise<[Error | null, unknown][]> {
    return storeRoundTrip(operation, async () => {
      const replies = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
      const unavailable = replies.find(([error]) => isStoreUnavailable(error));
      if (unavailable) throw unavailable[0];
      return replies;
    }, this.emitter);
  }

  /**
   * A reader on a connection of its own (a duplicate of the module's client, named
   * `connectionName` so it shows in CLIENT LIST). The caller must `close()` it.
   */
  openBlockingReader(tenantId: string | null, connectionName: string): BlockingEventReader {
    return new BlockingEventReader(blockingDuplicate(this.redis, connectionName, BLOCKING_READ_TIMEOUT_MS), this.streamKey(tenantId));
  }
}

/** Longer than any BLOCK the hub asks for (10 s). */
const BLOCKING_READ_TIMEOUT_MS = 30_000;

/** XREAD BLOCK on one stream; a blocked command holds its connection, hence one per reader. */
export class BlockingEventReader {
  constructor(
    private readonly connection: MissionsRedisClient,
    private readonly key: string,
  ) {
    // Errors surface as rejected reads; without a listener ioredis would also log each one.
    connection.on('error', () => undefined);
  }

  /** Entries after `afterId`, waiting up to `blockMs` for the first; [] on timeout. */
  async readAfter(afterId: string, count: number, blockMs: number): Promise<StoredMissionEvent[]> {
    const reply = await this.connection.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, afterId);
    return reply ? toEvents(reply[0][1] as RawEntry[]) : [];
  }

  /** Drops the connection at once, rejecting a read in flight. */
  close(): void {
    this.connection.disconnect();
  }
}

/** EXISTS and XINFO STREAM replies; XINFO fails for a missing stream, which is no error here. */
function parseInfo([[, exists], [error, reply]]: [Error | null, unknown][]): StreamInfo {
  if (exists === 0) return { first: null, last: null, trimmed: false };
  if (error) throw error;
  const fields = new Map<unknown, unknown>();
  const flat = reply as unknown[];
  for (let i = 0; i < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
  const added = fields.get('entries-added');
  return {
    first: (fields.get('first-entry') as RawEntry | null)?.[0] ?? null,
    last: fields.get('last-generated-id') as string,
    trimmed: typeof added !== 'number' || added > (fields.get('length') as number),
  };
}

/**
 * Whether entries after `afterId` may have been trimmed before anyone read them, judged from
 * info read after the entries: trimming removes the oldest first, so while the stream still
 * holds an entry at or before `afterId`, everything after it is there too.
 */
export function trimmedPast(info: StreamInfo, afterId: string): boolean {
  return info.trimmed && info.first !== null && compareStreamIds(info.first, afterId) > 0;
}

function toEvents(entries: RawEntry[]): StoredMissionEvent[] {
  return entries.map(([id, fields]) => {
    const event: StoredMissionEvent = { id, type: '', missionId: '', envelope: '' };
    // The scripts write the fields type, mission, envelope; read by name, not by position.
    for (let i = 0; i < fields.length; i += 2) {
      if (fields[i] === 'type') event.type = fields[i + 1];
      else if (fields[i] === 'mission') event.missionId = fields[i + 1];
      else if (fields[i] === 'envelope') event.envelope = fields[i + 1];
    }
    return event;
  });
}
