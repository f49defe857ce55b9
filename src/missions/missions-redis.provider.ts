import { Logger, type Provider } from '@nestjs/common';
import { MISSIONS_OPTIONS, MISSIONS_REDIS } from './missions.constants.js';
import type { ResolvedMissionsOptions } from './missions.options.js';
import { createRedisConnection, untilReady, type MissionsRedisClient } from './redis-connection.js';

/** How long boot waits for a Redis Cluster to map its slots before serving anyway. */
const CLUSTER_READY_TIMEOUT_MS = 10_000;

/** The repository's client: the host's own if given (never closed here), else one we own. */
export const missionsRedisProvider: Provider = {
  provide: MISSIONS_REDIS,
  inject: [MISSIONS_OPTIONS],
  useFactory: async (options: ResolvedMissionsOptions): Promise<MissionsRedisClient> => {
    if ('client' in options.redis) return options.redis.client;
    const client = createRedisConnection(options.redis);
    const logger = new Logger('MissionsRedis');
    client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
    // A cluster client has no offline queue (fail fast): give it the time to learn the slots
    // before the first request, but boot anyway, answering 503 until the cluster answers.
    if ('cluster' in options.redis) {
      await untilReady(client, CLUSTER_READY_TIMEOUT_MS).catch((error: Error) => logger.warn(`${error.message} Answering 503 until it is.`));
    }
    return client;
  },
};

export function ownsRedisClient(options: ResolvedMissionsOptions): boolean {
  return !('client' in options.redis);
}
