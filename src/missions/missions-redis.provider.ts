import { Logger, type Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MISSIONS_OPTIONS, MISSIONS_REDIS } from './missions.constants.js';
import type { ResolvedMissionsOptions } from './missions.options.js';

/** The repository's client: the host's own if given (never closed here), else one we own. */
export const missionsRedisProvider: Provider = {
  provide: MISSIONS_REDIS,
  inject: [MISSIONS_OPTIONS],
  useFactory: (options: ResolvedMissionsOptions): Redis => {
    if ('client' in options.redis) return options.redis.client;
    const client = new Redis(options.redis.url, { ...options.redis.options });
    const logger = new Logger('MissionsRedis');
    client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
    return client;
  },
};

export function ownsRedisClient(options: ResolvedMissionsOptions): boolean {
  return !('client' in options.redis);
}
