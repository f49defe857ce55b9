import { Redis } from 'ioredis';
import { oldKeyspace, type OldKeyspace } from './old-keyspace.js';

/** The missions of one batch as the old keyspace holds them, in the order of the ids asked for. */
export interface OldMissionBatch {
  /** The mission's JSON; null when the key is gone. */
  jsons: (string | null)[];
  /** Whether the old index names the mission (the old list route showed only those). */
  inIndex: boolean[];
}

type Pipeline = ReturnType<Redis['pipeline']>;

/**
 * Reads the old service's keyspace, and only reads: SCAN and SSCAN in batches, pipelined MGET
 * and LRANGE. The one module of the import that speaks to the source Redis.
 */
export class OldKeyspaceReader {
  private readonly keys: OldKeyspace;

  private constructor(private readonly redis: Redis, prefix: string) {
    this.keys = oldKeyspace(prefix);
  }

  /** Connects, failing within seconds (not retrying forever) when the source does not answer. */
  static async connect(url: string, prefix: string): Promise<OldKeyspaceReader> {
    const redis = new Redis(url, {
      lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 2, commandTimeout: 60_000,
      retryStrategy: (attempt) => (attempt > 3 ? null : 200 * attempt),
    });
    redis.on('error', () => undefined); // surfaces as the rejected command instead
    await redis.connect();
    return new OldKeyspaceReader(redis, prefix);
  }

  /** How many ids the old index holds: the import's estimate of its total. */
  indexSize(): Promise<number> {
    return this.redis.scard(this.keys.index);
  }

  statsBlob(): Promise<string | null> {
    return this.redis.get(this.keys.stats);
  }

  /** The ids of every mission key, `size` at a time (SCAN may repeat a key: the caller dedupes). */
  async *missionIds(size: number): AsyncGenerator<string[]> {
    yield* rebatch(this.scanAll((cursor) => this.redis.scan(cursor, 'MATCH', this.keys.missionPattern, 'COUNT', size * 2)), size, this.keys.idOf);
  }

  /** Every id of the old index, `size` at a time. */
  async *indexIds(size: number): AsyncGenerator<string[]> {
    yield* rebatch(this.scanAll((cursor) => this.redis.sscan(this.keys.index, cursor, 'COUNT', size)), size, (id) => id);
  }

  async readMissions(ids: string[]): Promise<OldMissionBatch> {
    const [jsons, inIndex] = await exec(this.redis.pipeline()
      .mget(ids.map(this.keys.mission))
      .smismember(this.keys.index, ...ids)) as [(string | null)[], number[]];
    return { jsons, inIndex: inIndex.map((member) => member === 1) };
  }

  /** Each mission's whole log, oldest first ([] when it has none). */
  async readLogs(ids: string[]): Promise<string[][]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.lrange(this.keys.log(id), 0, -1);
    return (await exec(pipeline)) as string[][];
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async *scanAll(step: (cursor: string) => Promise<[string, string[]]>): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, found] = await step(cursor);
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}

async function* rebatch(pages: AsyncGenerator<string[]>, size: number, map: (item: string) => string): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for await (const page of pages) {
    for (const item of page) {
      batch.push(map(item));
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

async function exec(pipeline: Pipeline): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
