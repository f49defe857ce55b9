// The old Python service's Redis access pattern, reproduced: one JSON string per mission
// (SET), one index set (SADD), stats as one JSON blob read and rewritten, the log as a list
// (RPUSH). Each step is its own round trip and nothing is atomic, as it was there.
import { randomUUID } from 'node:crypto';

export class TimeBoundExceeded extends Error {}

const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
const emptyStats = () => ({ total: 0, by_status: Object.fromEntries(STATUSES.map((s) => [s, 0])), last_updated: Date.now() / 1000 });

export function oldKeys(prefix, tenant) {
  const base = `${prefix}${tenant ?? '_'}:`;
  return {
    mission: (id) => `${base}mission:${id}`,
    log: (id) => `${base}mission:${id}:log`,
    index: `${base}missions`,
    stats: `${base}stats`,
  };
}

export function oldMission(body, id = randomUUID(), nowSeconds = Date.now() / 1000) {
  return {
    id, name: body.name, description: body.description ?? null, data: body.data ?? {},
    status: 'PENDING', created_at: nowSeconds, updated_at: nowSeconds,
  };
}

const logEntry = (message, data, at = Date.now() / 1000) => JSON.stringify({ timestamp: at, level: 'info', message, data });

export class OldPatternStore {
  constructor(redis, prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  async create(tenant, body) {
    const k = oldKeys(this.prefix, tenant);
    const mission = oldMission(body);
    await this.redis.set(k.mission(mission.id), JSON.stringify(mission));
    await this.redis.sadd(k.index, mission.id);
    await this.bumpStats(k, null, 'PENDING');
    await this.redis.rpush(k.log(mission.id), logEntry('Mission created', { name: mission.name, description: mission.description }));
    return mission;
  }

  async get(tenant, id) {
    const json = await this.redis.get(oldKeys(this.prefix, tenant).mission(id));
    return json === null ? null : JSON.parse(json);
  }

  /**
   * SMEMBERS, then one GET per mission, filtered and sorted in the process. The GETs go out
   * in concurrent chunks (pipelined on the connection), kinder than the old one-at-a-time loop;
   * past `deadline` (epoch ms) it gives up with TimeBoundExceeded.
   */
  async list(tenant, { status, limit }, deadline = Infinity) {
    const k = oldKeys(this.prefix, tenant);
    const ids = await this.redis.smembers(k.index);
    const missions = [];
    for (let i = 0; i < ids.length; i += 5000) {
      if (Date.now() > deadline) throw new TimeBoundExceeded();
      const jsons = await Promise.all(ids.slice(i, i + 5000).map((id) => this.redis.get(k.mission(id))));
      for (const json of jsons) {
        if (json === null) continue;
        const mission = JSON.parse(json);
        if (!status || mission.status === status) missions.push(mission);
      }
    }
    if (Date.now() > deadline) throw new TimeBoundExceeded();
    missions.sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
    return missions.slice(0, limit);
  }

  async changeStatus(tenant, id, to) {
    const k = oldKeys(this.prefix, tenant);
    const mission = await this.get(tenant, id);
    if (!mission) return null;
    const from = mission.status;
    mission.status = to;
    mission.updated_at = Date.now() / 1000;
    await this.redis.set(k.mission(id), JSON.stringify(mission));
    await this.bumpStats(k, from, to);
    await this.redis.rpush(k.log(id), logEntry('Mission status changed', { from, to }));
    return mission;
  }

  async appendLog(tenant, id, body) {
    const k = oldKeys(this.prefix, tenant);
    if ((await this.redis.exists(k.mission(id))) === 0) return false;
    await this.redis.rpush(k.log(id), logEntry(body.message, body.data ?? {}, body.timestamp));
    return true;
  }

  async stats(tenant) {
    const json = await this.redis.get(oldKeys(this.prefix, tenant).stats);
    return json === null ? emptyStats() : JSON.parse(json);
  }

  async bumpStats(k, from, to) {
    const json = await this.redis.get(k.stats);
    const stats = json === null ? emptyStats() : JSON.parse(json);
    if (from) stats.by_status[from] -= 1;
    else stats.total += 1;
    stats.by_status[to] += 1;
    stats.last_updated = Date.now() / 1000;
    await this.redis.set(k.stats, JSON.stringify(stats));
  }

  /**
   * The seeder's path, not the service's: `count` missions in pipelined batches with the same
   * keys and values `create` writes, one SADD and one stats rewrite per batch.
   */
  async seed(tenant, count, makeBody, { batch = 1000, keepIds = false } = {}) {
    const k = oldKeys(this.prefix, tenant);
    const ids = [];
    for (let done = 0; done < count; done += batch) {
      const pipeline = this.redis.pipeline();
      const n = Math.min(batch, count - done);
      const batchIds = [];
      for (let i = 0; i < n; i++) {
        const mission = oldMission(makeBody(done + i));
        batchIds.push(mission.id);
        pipeline.set(k.mission(mission.id), JSON.stringify(mission));
        pipeline.rpush(k.log(mission.id), logEntry('Mission created', { name: mission.name, description: mission.description }));
      }
      pipeline.sadd(k.index, ...batchIds);
      for (const [error] of await pipeline.exec()) if (error) throw error;
      if (keepIds) ids.push(...batchIds);
      const stats = await this.stats(tenant);
      stats.total += n;
      stats.by_status.PENDING += n;
      await this.redis.set(k.stats, JSON.stringify(stats));
    }
    return ids;
  }
}
