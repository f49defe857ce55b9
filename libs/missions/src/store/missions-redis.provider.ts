import { Logger, type Provider } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { MISSIONS_OPTIONS, MISSIONS_REDIS } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { createRedisConnection, untilReady, type MissionsRedisClient } from './redis-connection.js';

/** Default bound on any one Redis command, so a request never waits longer for a silent Redis. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Fail fast instead of hanging while Redis is away: no offline queue (a command on a broken
 * connection is refused at once), a timeout on every command, and no silent resend of commands
 * whose reply was lost (a resent append-log would log twice). Reconnects forever with a capped
 * backoff, so the service recovers by itself. The host's own `redis.options` win.
 */
export function failFastRedisOptions(overrides: RedisOptions = {}): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
    ...overrides,
  };
}

/** How long boot waits for a Redis Cluster to map its slots (a single Redis: its connectTimeout). */
const CLUSTER_READY_TIMEOUT_MS = 10_000;

/** The repository's client: the host's own if given (never closed here), else one we own. */
export const missionsRedisProvider: Provider = {
  provide: MISSIONS_REDIS,
  inject: [MISSIONS_OPTIONS],
  useFactory: async (options: ResolvedMissionsOptions): Promise<MissionsRedisClient> => {
    if ('client' in options.redis) return options.redis.client;
    const config = 'url' in options.redis ? { url: options.redis.url, options: failFastRedisOptions(options.redis.options) } : options.redis;
    const client = createRedisConnection(config);
    const logger = new Logger('MissionsRedis');
    client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
    // Without the offline queue, commands sent before the first connection would be refused:
    // wait for it, but boot anyway (answering 503) when Redis is not there yet.
    await untilReady(client, 'url' in config ? (config.options.connectTimeout ?? 2000) : CLUSTER_READY_TIMEOUT_MS)
      .catch((error: Error) => logger.warn(`${error.message} Answering 503 until it is.`));
    return client;
  },
};

export function ownsRedisClient(options: ResolvedMissionsOptions): boolean {
  return !('client' in options.redis);
}
