import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { MissionsModuleOptions } from '../../libs/missions/src/options/missions.options.js';
import {
  BULLMQ_CONNECTION_OVERRIDES,
  createRedisConnection,
  masterNodes,
  parseClusterNodes,
  untilReady,
  type MissionsRedisClient,
  type RedisConnectionConfig,
} from '../../libs/missions/src/store/redis-connection.js';

/** A key prefix no other run uses, so specs can share the machine's Redis. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/**
 * Where the specs run: the single Redis (REDIS_URL, default) or, with
 * MISSIONS_TEST_REDIS=cluster, the Redis Cluster in REDIS_CLUSTER_NODES (see .ci/run).
 */
export function onTestCluster(): boolean {
  if (process.env.MISSIONS_TEST_REDIS !== 'cluster') return false;
  if (!process.env.REDIS_CLUSTER_NODES) throw new Error('MISSIONS_TEST_REDIS=cluster needs REDIS_CLUSTER_NODES (npm run redis:cluster -- start).');
  return true;
}

export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** The module's `redis` option for the test target. */
export function testRedisOptions(): NonNullable<MissionsModuleOptions['redis']> {
  const { redis } = testConnection();
  return redis;
}

function testConnection(): { config: RedisConnectionConfig; redis: NonNullable<MissionsModuleOptions['redis']> } {
  if (!onTestCluster()) return { config: { url: testRedisUrl(), options: {} }, redis: { url: testRedisUrl() } };
  const nodes = parseClusterNodes(process.env.REDIS_CLUSTER_NODES!);
  // The specs' own clients inspect and clean up: no fail-fast timeout for them on a busy machine.
  return { config: { cluster: { nodes, options: { redisOptions: { commandTimeout: 10_000 } } } }, redis: { cluster: { nodes } } };
}

/** A connection for a spec's own BullMQ Queue on the test target (a Redis or a Cluster). */
export function testBullmqConnection(): MissionsRedisClient {
  const client = createRedisConnection(testConnection().config, { ...BULLMQ_CONNECTION_OVERRIDES, enableOfflineQueue: true });
  if (client instanceof Cluster) client.options.enableOfflineQueue = true;
  return client;
}

/** The environment that points a spawned service at the test target. */
export function testRedisEnv(): Record<string, string> {
  return onTestCluster() ? { REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES! } : { REDIS_URL: testRedisUrl() };
}

/** A client of the spec's own on the test target, ready to use. */
export async function connectTestRedis(): Promise<MissionsRedisClient> {
  const client = createRedisConnection(testConnection().config);
  await untilReady(client, 10_000);
  return client;
}

/** Every key matching `pattern` (SCAN on every master, never KEYS: the Redis is shared). */
export async function keysMatching(redis: MissionsRedisClient, pattern: string): Promise<string[]> {
  await untilReady(redis, 10_000);
  const found: string[] = [];
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes every key under `prefix`, one key per command on a cluster (keys of one node span many slots). */
export async function deleteKeys(redis: MissionsRedisClient, prefix: string): Promise<number> {
  const keys = await keysMatching(redis, `${prefix}*`);
  if (keys.length === 0) return 0;
  if (!(redis instanceof Cluster)) return redis.unlink(...keys);
  const deleted = await Promise.all(keys.map((key) => redis.unlink(key)));
  return deleted.reduce((sum, n) => sum + n, 0);
}
