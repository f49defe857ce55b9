import { Injectable } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { InjectMissionsRedis } from '../options/missions.constants.js';
import type { MissionsRedisClient } from './redis-connection.js';

/** What a readiness probe asks of the module's Redis connection. */
@Injectable()
export class MissionsHealthRepository {
  constructor(@InjectMissionsRedis() private readonly redis: MissionsRedisClient) {}

  /**
   * Resolves when Redis answers PING. Rejects at once while the connection is not ready, rather
   * than queueing the PING until a reconnect: a probe must answer now, not when Redis returns.
   */
  async ping(): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
    // On a cluster, one lost master stops only its own tenants' slots: the instance stays ready
    // while any master answers, lest every instance be pulled for a partial outage.
    if (this.redis instanceof Cluster) await Promise.any(this.redis.nodes('master').map((node) => node.ping()));
    else await this.redis.ping();
  }
}
