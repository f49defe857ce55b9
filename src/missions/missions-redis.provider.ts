import { Logger, type Provider } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { MISSIONS_OPTIONS, MISSIONS_REDIS } from './missions.constants.js';
import type { ResolvedMissionsOptions } from './missions.options.js';

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

// Without the offline queue, commands sent before the first connection would be refused:
// wait for it, but boot anyway (answering 503) when Redis is not there yet.
async function firstConnection(client: Redis, logger: Logger, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  // Not events.once: it rejects on the 'error' events a refused connection emits meanwhile.
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ready) logger.warn(`Redis not ready after ${timeoutMs} ms; answering 503 until it is.`);
}

/** The repository's client: the host's own if given (never closed here), else one we own. */
export const missionsRedisProvider: Provider = {
  provide: MISSIONS_REDIS,
  inject: [MISSIONS_OPTIONS],
  useFactory: async (options: ResolvedMissionsOptions): Promise<Redis> => {
    if ('client' in options.redis) return options.redis.client;
    const settings = failFastRedisOptions(options.redis.options);
    const client = new Redis(options.redis.url, settings);
    const logger = new Logger('MissionsRedis');
    client.on('error', (error: Error) => logger.warn(`Redis: ${error.message}`));
    await firstConnection(client, logger, settings.connectTimeout ?? 2000);
    return client;
  },
};

export function ownsRedisClient(options: ResolvedMissionsOptions): boolean {
  return !('client' in options.redis);
}
