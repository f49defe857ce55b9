// Loads missions in the project's layout without HTTP, two ways:
// - `seedThroughService`: MissionsService.create from dist/ (create-mission.lua, the same log
//   entry and stream events), 1000 creates at a time on an auto-pipelining connection;
// - `seedLayout`: the same keys and values written with plain pipelined commands (one HSET per
//   mission, one ZADD per index per 1000, the name index included), built with dist/'s own
//   missionToFields, indexMember, nameIndexMember and CREATED_LOG_FIELDS (the first log entry
//   lives in the hash, as create writes it). With `status: 'COMPLETED'` (or another finished
//   status) the missions are finished ones, in that status's retention index, finished when
//   they were created. What it leaves out is the capped event stream, which does not grow with
//   the tenant. Several times faster: this is what fills the 1M tenant.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { indexMember, missionKeys, nameIndexMember, retentionTenantsKey, tenantTag } from '../../libs/missions/dist/store/mission-keys.js';
import { CREATED_LOG_FIELDS, missionToFields } from '../../libs/missions/dist/store/mission-record.js';
import { benchPrincipal, projectStack } from './project-stack.mjs';

export class ProjectSeeder {
  constructor(redisUrl, keyPrefix) {
    this.keyPrefix = keyPrefix;
    this.redis = new Redis(redisUrl, { enableAutoPipelining: true });
    this.stack = projectStack(this.redis, keyPrefix);
  }

  async seedThroughService(tenant, count, makeBody, batch = 1000) {
    const principal = benchPrincipal(tenant);
    const ids = [];
    for (let done = 0; done < count; done += batch) {
      const n = Math.min(batch, count - done);
      const created = await Promise.all(
        Array.from({ length: n }, (_, i) => this.stack.service.create(principal, makeBody(done + i))),
      );
      for (const { mission } of created) ids.push(mission.id);
    }
    return ids;
  }

  /** Returns the ids when `keepIds` (the 1M load does not keep them). */
  async seedLayout(tenant, count, makeBody, { batch = 1000, keepIds = false, status = 'PENDING' } = {}) {
    const finished = status !== 'PENDING';
    const keys = missionKeys(this.keyPrefix, tenant);
    const ids = [];
    const start = Date.now() - count;
    for (let done = 0; done < count; done += batch) {
      const n = Math.min(batch, count - done);
      const pipeline = this.redis.pipeline();
      const members = [];
      const names = [];
      const finishedAt = [];
      let createdAt = 0;
      for (let i = 0; i < n; i++) {
        const body = makeBody(done + i);
        createdAt = start + done + i;
        const mission = {
          id: randomUUID(), name: body.name, description: body.description ?? null, data: body.data ?? {},
          status, createdAt, updatedAt: createdAt, tenantId: tenant, createdBy: 'bench-user', version: 1,
        };
        if (keepIds) ids.push(mission.id);
        pipeline.hset(keys.mission(mission.id), ...missionToFields(mission), ...CREATED_LOG_FIELDS);
        members.push(0, indexMember(createdAt, mission.id));
        names.push(0, nameIndexMember(mission.name, mission.id));
        finishedAt.push(createdAt, mission.id);
      }
      pipeline.zadd(keys.all, ...members);
      pipeline.zadd(keys.byStatus(status), ...members);
      pipeline.zadd(keys.byName, ...names);
      if (finished) pipeline.zadd(keys.finishedIn(status), ...finishedAt);
      pipeline.hincrby(keys.stats, 'total', n);
      pipeline.hincrby(keys.stats, status, n);
      pipeline.hset(keys.stats, 'last_updated_ms', String(createdAt));
      for (const [error] of await pipeline.exec()) if (error) throw error;
    }
    // As a status change to a finished status does: the retention sweeper must find the tenant.
    if (finished) await this.redis.zadd(retentionTenantsKey(this.keyPrefix), 'NX', 0, tenantTag(tenant));
    return ids;
  }

  keysFor(tenant) {
    return missionKeys(this.keyPrefix, tenant);
  }
}
