import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { ResolvedMissionsOptions } from './missions.options.js';

/**
 * A connection for BullMQ, which refuses a client with `keyPrefix` and needs
 * `maxRetriesPerRequest: null` and no command timeout for its blocking commands. Always a new one, closed by its owner.
 */
export function bullmqConnection(options: ResolvedMissionsOptions, name: string): Redis {
  // Not the repository's fail-fast settings: BullMQ blocks on purpose and waits for Redis itself.
  const overrides = { keyPrefix: undefined, maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, connectionName: name };
  const client = 'client' in options.redis
    ? options.redis.client.duplicate(overrides)
    : new Redis(options.redis.url, { ...options.redis.options, ...overrides });
  const logger = new Logger('MissionsQueueRedis');
  client.on('error', (error: Error) => logger.warn(`Redis (${name}): ${error.message}`));
  return client;
}

/**
 * BullMQ's key prefix: under the module's, with one hash tag so every key of the queue sits in
 * one Redis Cluster slot, as BullMQ requires there.
 */
export function queuePrefix(options: ResolvedMissionsOptions): string {
  return `${options.keyPrefix}{missions-queue}`;
}
