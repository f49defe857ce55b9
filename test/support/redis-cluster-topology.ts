import type { Cluster, Redis } from 'ioredis';
import { startCluster, stopCluster, type LocalRedisCluster } from '../../scripts/redis-cluster.mjs';
import { createRedisConnection, parseClusterNodes, untilReady } from '../../libs/missions/src/store/redis-connection.js';
import { onTestCluster } from './redis-test-keys.js';

export { stopNode } from '../../scripts/redis-cluster.mjs';

/** Where keys live on a cluster, asked of the cluster itself (CLUSTER KEYSLOT, CLUSTER SLOTS). */
export class ClusterTopology {
  private constructor(
    private readonly cluster: Cluster,
    private readonly ranges: Awaited<ReturnType<Cluster['cluster']>> & unknown[],
  ) {}

  static async of(cluster: Cluster): Promise<ClusterTopology> {
    return new ClusterTopology(cluster, await cluster.cluster('SLOTS'));
  }

  slotOf(key: string): Promise<number> {
    return this.cluster.cluster('KEYSLOT', key) as Promise<number>;
  }

  /** `host:port` of the master serving the key's slot. */
  async masterOf(key: string): Promise<string> {
    const slot = await this.slotOf(key);
    const range = this.ranges.find(([from, to]) => slot >= from && slot <= to);
    const master = range?.[2];
    if (!master) throw new Error(`slot ${slot} of ${key} is served by no master`);
    return `${master[0]}:${master[1]}`;
  }

  /** The cluster's own connection to that master: commands on it reach that server only. */
  masterConnection(address: string): Redis {
    const node = this.cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
    if (!node) throw new Error(`no connection to master ${address}`);
    return node;
  }
}

/**
 * The cluster the suite runs on (MISSIONS_TEST_REDIS=cluster), or else a throwaway one of the
 * spec's own, so that the cluster properties are proven on every `npm test`.
 */
export async function testCluster(): Promise<{ nodes: string; release(): void }> {
  if (onTestCluster()) return { nodes: process.env.REDIS_CLUSTER_NODES!, release: () => undefined };
  const own: LocalRedisCluster = await startCluster();
  return { nodes: own.nodes, release: () => stopCluster(own.dir) };
}

export async function connectCluster(nodes: string): Promise<Cluster> {
  const client = createRedisConnection({ cluster: { nodes: parseClusterNodes(nodes), options: {} } }) as Cluster;
  await untilReady(client, 10_000);
  return client;
}
