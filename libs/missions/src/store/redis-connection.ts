import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { MissionsRedisClient, RedisClusterNode, RedisConnectionConfig } from '../options/missions.options.js';

export type { MissionsRedisClient, RedisClusterNode, RedisConnectionConfig };

/**
 * A cluster answers in under a millisecond when healthy; a command stuck past this is waiting
 * on a master that is gone, and its tenant should get a quick 503 rather than a hung request.
 */
export const CLUSTER_COMMAND_TIMEOUT_MS = 500;

/**
 * `overrides` for a BullMQ connection: BullMQ wants no per-request retry limit, and a Worker
 * blocks on BZPOPMIN for seconds, which a command timeout would cut off every time.
 */
export const BULLMQ_CONNECTION_OVERRIDES: RedisOptions = { maxRetriesPerRequest: null, commandTimeout: undefined };

/**
 * Builds a Redis or a Cluster from the config. `overrides` apply to every connection (a
 * Cluster's per-node ones too), e.g. {@link BULLMQ_CONNECTION_OVERRIDES}. On a Cluster, BullMQ
 * needs a hash tag in its queue `prefix` (e.g. `{missions-queue}`) so a queue's keys share a slot.
 *
 * A Cluster gets fail-fast defaults the caller may override: no cluster-level offline queue
 * (while no node is reachable, commands fail instead of piling up) and a command timeout.
 * With `enableOfflineQueue: false`, wait for {@link untilReady} before the first command.
 */
export function createRedisConnection(config: RedisConnectionConfig, overrides: RedisOptions = {}): MissionsRedisClient {
  if ('url' in config) return new Redis(config.url, { ...config.options, ...overrides });
  const { nodes, options } = config.cluster;
  return new Cluster(nodes, {
    enableOfflineQueue: false,
    ...options,
    redisOptions: { commandTimeout: CLUSTER_COMMAND_TIMEOUT_MS, ...options.redisOptions, ...overrides },
  });
}

/** Resolves once the client is ready; rejects (leaving the client to the caller) after `timeoutMs`. */
export async function untilReady(client: MissionsRedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis${client instanceof Cluster ? ' Cluster' : ''} not ready within ${timeoutMs} ms (status ${client.status}).`));
    }, timeoutMs);
    client.once('ready', onReady);
  });
}

/**
 * A connection of its own for blocking reads (XREAD BLOCK holds it): named, with its own
 * command timeout (the fail-fast one would cut every long block short; longer than any BLOCK,
 * it only catches a dead socket) and an offline queue, so a read waits for the connection
 * instead of failing while it opens. On a cluster, a Cluster that follows the slot.
 */
export function blockingDuplicate(client: MissionsRedisClient, connectionName: string, commandTimeout?: number): MissionsRedisClient {
  const blocking = { connectionName, commandTimeout };
  if (!(client instanceof Cluster)) return client.duplicate({ ...blocking, enableOfflineQueue: true });
  // No ready check: its CLUSTER INFO would open a second connection, to a random master.
  return client.duplicate([], { enableOfflineQueue: true, enableReadyCheck: false, redisOptions: { ...client.options.redisOptions, ...blocking } });
}

/** Every master of a cluster, or the one server: where a SCAN must run to see all keys. */
export function masterNodes(client: MissionsRedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** `host:port,host:port` → nodes; throws naming the first bad entry. */
export function parseClusterNodes(list: string): RedisClusterNode[] {
  return list.split(',').map((entry) => {
    const match = /^\s*\[?([^\]\s]+?)\]?:(\d{1,5})\s*$/.exec(entry);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) throw new Error(`"${entry.trim()}" is not host:port`);
    return { host: match[1], port };
  });
}
