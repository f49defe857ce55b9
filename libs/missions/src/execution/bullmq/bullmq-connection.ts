import { Logger } from '@nestjs/common';
import { Cluster, type RedisOptions } from 'ioredis';
import type { ResolvedMissionsOptions } from '../../options/missions.options.js';
import { BULLMQ_CONNECTION_OVERRIDES, createRedisConnection, type MissionsRedisClient } from '../../store/redis-connection.js';

/**
 * A connection for BullMQ, which refuses a client with `keyPrefix` and needs
 * `maxRetriesPerRequest: null` and no command timeout for its blocking commands. Always a new
 * one (a Redis or a Cluster, like the module's), closed by its owner.
 */
export function bullmqConnection(options: ResolvedMissionsOptions, name: string): MissionsRedisClient {
  // Not the repository's fail-fast settings: BullMQ blocks on purpose and waits for Redis itself.
  const overrides: RedisOptions = { ...BULLMQ_CONNECTION_OVERRIDES, keyPrefix: undefined, enableOfflineQueue: true, connectionName: name };
  const client = connect(options, overrides);
  const logger = new Logger('MissionsQueueRedis');
  client.on('error', (error: Error) => logger.warn(`Redis (${name}): ${error.message}`));
  return client;
}

function connect(options: ResolvedMissionsOptions, overrides: RedisOptions): MissionsRedisClient {
  const { redis } = options;
  if (!('client' in redis)) {
    const client = createRedisConnection(redis, overrides);
    // A Cluster's own offline queue too: BullMQ's commands wait for a slot's master to return.
    if (client instanceof Cluster) client.options.enableOfflineQueue = true;
    return client;
  }
  if (redis.client instanceof Cluster) {
    return redis.client.duplicate([], { enableOfflineQueue: true, redisOptions: { ...redis.client.options.redisOptions, ...overrides } });
  }
  return redis.client.duplicate(overrides);
}

/**
 * BullMQ's key prefix: under the module's, with one hash tag so every key of the queue sits in
 * one Redis Cluster slot, as BullMQ requires there.
 */
export function queuePrefix(options: ResolvedMissionsOptions): string {
  return `${options.keyPrefix}{missions-queue}`;
}
