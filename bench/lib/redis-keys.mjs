// Cleanup shared by the standalone bench scripts that run on a caller's Redis.
import { Redis } from 'ioredis';

/** Deletes every key under `prefix` with SCAN + UNLINK (never KEYS or FLUSH: the Redis may be shared). */
export async function deleteKeysUnder(redisUrl, prefix) {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
