import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { STREAM_START_ID } from '../domain/event-stream-id.js';
import {
  MissionEventsRepository, trimmedPast, type BlockingEventReader, type StoredMissionEvent, type StreamInfo,
} from '../store/mission-events.repository.js';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';

/** Receives a tenant's new stream entries, in stream order, from the process's one reader. */
export interface TenantEventListener {
  receive(events: StoredMissionEvent[]): void;
  /**
   * The feed lost entries it cannot deliver (trimmed before it read them); the listener must
   * stop, and its client resumes with its Last-Event-ID and learns of the gap.
   */
  interrupt(): void;
}

const READ_COUNT = 1000;
// Bounded so the loop notices a vanished connection; the read is re-issued at once.
const BLOCK_MS = 10_000;

/**
 * Fans a tenant's event stream out to every listener in this process: one XREAD BLOCK loop
 * on one dedicated connection per tenant with at least one listener, however many SSE
 * clients that tenant has open. The connection is closed with its last listener.
 */
@Injectable()
export class MissionEventHub implements OnModuleDestroy {
  private readonly feeds = new Map<string | null, TenantFeed>();

  constructor(
    private readonly events: MissionEventsRepository,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  /**
   * Adds `listener` to the tenant's feed; resolves once the feed reads, so every entry newer
   * than the stream's last entry at that moment reaches the listener. Returns the unsubscribe.
   */
  async subscribe(tenantId: string | null, listener: TenantEventListener): Promise<() => void> {
    let feed = this.feeds.get(tenantId);
    if (!feed) {
      const reader = this.events.openBlockingReader(tenantId, connectionName(this.options.keyPrefix));
      feed = new TenantFeed(reader, () => this.events.info(tenantId), () => this.feeds.delete(tenantId));
      this.feeds.set(tenantId, feed);
    }
    const joined = feed;
    joined.add(listener);
    const unsubscribe = () => joined.remove(listener);
    try {
      await joined.ready;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Tenants with an open reader (one Redis connection each). */
  get activeReaders(): number {
    return this.feeds.size;
  }

  onModuleDestroy(): void {
    for (const feed of [...this.feeds.values()]) feed.interruptAll();
  }
}

/** The CLIENT SETNAME of the reader connections: the key prefix, made a legal name. */
export const connectionName = (keyPrefix: string): string => `${keyPrefix.replace(/[^\x21-\x7e]/g, '_')}events`;

class TenantFeed {
  private readonly logger = new Logger(MissionEventHub.name);
  private readonly listeners = new Set<TenantEventListener>();
  private cursor = STREAM_START_ID;
  private closed = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly reader: BlockingEventReader,
    private readonly info: () => Promise<StreamInfo>,
    private readonly onClosed: () => void,
  ) {
    this.ready = this.info().then(({ last }) => {
      this.cursor = last ?? STREAM_START_ID;
      void this.loop();
    });
    this.ready.catch(() => this.close());
  }

  add(listener: TenantEventListener): void {
    this.listeners.add(listener);
  }

  remove(listener: TenantEventListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.close();
  }

  interruptAll(): void {
    for (const listener of [...this.listeners]) listener.interrupt();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
    this.reader.close();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        const events = await this.reader.readAfter(this.cursor, READ_COUNT, BLOCK_MS);
        if (events.length === 0 || this.closed) continue;
        // Fell more than the stream's length behind: XREAD skipped what was trimmed, silently.
        if (trimmedPast(await this.info(), this.cursor)) return this.interruptAll();
        this.cursor = events[events.length - 1].id;
        for (const listener of [...this.listeners]) listener.receive(events);
      } catch (error) {
        if (this.closed) return;
        this.logger.warn(`event stream read failed, closing the tenant's streams: ${(error as Error).message}`);
        // A stream that cannot deliver must not look live: its clients see the drop, and resume
        // with their Last-Event-ID (answered 503 until Redis is back, then caught up).
        return this.interruptAll();
      }
    }
  }
}
