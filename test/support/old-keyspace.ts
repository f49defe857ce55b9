import type { Redis } from 'ioredis';

/** A mission as the old service's Pydantic model held it; `undefined` fields are left out of the JSON. */
export interface OldMission {
  name?: unknown;
  description?: unknown;
  data?: unknown;
  id?: unknown;
  status?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
}

/** Pydantic's model_dump_json: compact, fields in declaration order. */
export function pydanticJson(mission: OldMission): string {
  const { name, description, data, id, status, created_at, updated_at } = mission;
  return JSON.stringify({ name, description, data, id, status, created_at, updated_at });
}

/** Python's json.dumps with its default separators (", " and ": ") and ensure_ascii, as the old stats blob and log entries were written. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes an old keyspace under `prefix` with the old service's own commands: SET, SADD, RPUSH. */
export class OldKeyspaceWriter {
  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  /** `json` overrides the mission's Pydantic JSON (for unreadable records); `indexed: false` leaves it out of the index. */
  async mission(id: string, mission: OldMission | string, log?: string[], indexed = true): Promise<void> {
    const pipeline = this.redis.pipeline().set(`${this.prefix}mission:${id}`, typeof mission === 'string' ? mission : pydanticJson(mission));
    if (indexed) pipeline.sadd(`${this.prefix}index`, id);
    if (log && log.length > 0) pipeline.rpush(`${this.prefix}log:${id}`, ...log);
    await pipeline.exec();
  }

  /** An index entry whose mission is gone (the old delete-less code could leave them; so could a crash). */
  async danglingIndexId(id: string, leftoverLog?: string[]): Promise<void> {
    await this.redis.sadd(`${this.prefix}index`, id);
    if (leftoverLog) await this.redis.rpush(`${this.prefix}log:${id}`, ...leftoverLog);
  }

  async statsBlob(blob: { total: number; by_status: Record<string, number>; last_updated: number }): Promise<void> {
    await this.redis.set(`${this.prefix}stats`, pythonJson(blob));
  }

  /** Every key under the prefix with its type and whole value, to prove nothing was written to it. */
  async snapshot(): Promise<Record<string, unknown>> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const snapshot: Record<string, unknown> = {};
    for (const key of keys.sort()) {
      const type = await this.redis.type(key);
      snapshot[key] = [type, type === 'string' ? await this.redis.get(key) : type === 'list' ? await this.redis.lrange(key, 0, -1) : (await this.redis.smembers(key)).sort()];
    }
    return snapshot;
  }
}
