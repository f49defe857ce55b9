import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectMissionsRedis } from './missions.constants.js';

/** What a readiness probe asks of the module's Redis connection. */
@Injectable()
export class MissionsHealthRepository {
  constructor(@InjectMissionsRedis() private readonly redis: Redis) {}

  /**
   * Resolves when Redis answers PING. Rejects at once while the connection is not ready, rather
   * than queueing the PING until a reconnect: a probe must answer now, not when Redis returns.
   */
  async ping(): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
    await this.redis.ping();
  }
}
