// Types of redis-cluster.mjs for the specs that start a cluster of their own.
export interface LocalRedisCluster {
  dir: string;
  host: string;
  ports: number[];
  /** `host:port,host:port,…`, the REDIS_CLUSTER_NODES form. */
  nodes: string;
}
export const DEFAULT_CLUSTER_DIR: string;
export function startCluster(options?: { dir?: string; masters?: number }): Promise<LocalRedisCluster>;
export function stopNode(dir: string, port: number): boolean;
export function stopCluster(dir: string): boolean;
