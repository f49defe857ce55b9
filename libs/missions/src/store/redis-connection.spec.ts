import { afterEach, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { BULLMQ_CONNECTION_OVERRIDES, CLUSTER_COMMAND_TIMEOUT_MS, blockingDuplicate, createRedisConnection, parseClusterNodes, untilReady, type MissionsRedisClient } from './redis-connection.js';

const made: MissionsRedisClient[] = [];
const track = <T extends MissionsRedisClient>(client: T): T => {
  made.push(client);
  return client;
};

afterEach(() => {
  for (const client of made.splice(0)) client.disconnect();
});

describe(createRedisConnection.name, () => {
  it('should build a Redis from a URL, overrides winning over the options', () => {
    const sut = track(createRedisConnection({ url: 'redis://127.0.0.1:1/3', options: { lazyConnect: true, connectionName: 'a' } }, { connectionName: 'b' }));
    expect(sut).toBeInstanceOf(Redis);
    expect(sut.options).toMatchObject({ port: 1, db: 3, lazyConnect: true, connectionName: 'b' });
  });

  it('should build a fail-fast Cluster from seed nodes, overrides reaching every node connection', () => {
    const sut = track(createRedisConnection(
      { cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], options: { lazyConnect: true, redisOptions: { password: 'pw' } } } },
      { maxRetriesPerRequest: null },
    ));
    expect(sut).toBeInstanceOf(Cluster);
    expect((sut as Cluster).options).toMatchObject({
      enableOfflineQueue: false,
      redisOptions: { commandTimeout: CLUSTER_COMMAND_TIMEOUT_MS, password: 'pw', maxRetriesPerRequest: null },
    });
  });

  it('should drop the command timeout for BullMQ, whose workers block for seconds', () => {
    const sut = track(createRedisConnection({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], options: { lazyConnect: true } } }, BULLMQ_CONNECTION_OVERRIDES));
    expect((sut as Cluster).options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, commandTimeout: undefined });
  });

  it('should let the caller keep an offline queue and choose the command timeout', () => {
    const sut = track(createRedisConnection({
      cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], options: { lazyConnect: true, enableOfflineQueue: true, redisOptions: { commandTimeout: 50 } } },
    })) as Cluster;
    expect(sut.options).toMatchObject({ enableOfflineQueue: true, redisOptions: { commandTimeout: 50 } });
  });
});

describe(blockingDuplicate.name, () => {
  it('should give a cluster reader its own named Cluster, without command timeout or ready check', () => {
    const source = track(createRedisConnection({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], options: { lazyConnect: true, redisOptions: { password: 'pw' } } } }));
    const sut = track(blockingDuplicate(source, 'readers'));
    expect(sut).toBeInstanceOf(Cluster);
    expect((sut as Cluster).options).toMatchObject({
      enableOfflineQueue: true, enableReadyCheck: false,
      redisOptions: { password: 'pw', connectionName: 'readers', commandTimeout: undefined },
    });
  });

  it('should give a single-Redis reader a named duplicate without command timeout', () => {
    const source = track(createRedisConnection({ url: 'redis://127.0.0.1:1', options: { lazyConnect: true, commandTimeout: 500 } }));
    const sut = track(blockingDuplicate(source, 'readers'));
    expect(sut.options).toMatchObject({ connectionName: 'readers', commandTimeout: undefined, enableOfflineQueue: true });
  });
});

describe(untilReady.name, () => {
  it('should reject after the timeout while the client is not ready', async () => {
    const sut = track(createRedisConnection({ url: 'redis://127.0.0.1:1', options: { lazyConnect: true } }));
    await expect(untilReady(sut, 50)).rejects.toThrow(/Redis not ready within 50 ms \(status wait\)/);
  });

  it('should resolve once the client is ready', async () => {
    const sut = track(createRedisConnection({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', options: {} }));
    await expect(untilReady(sut, 5000)).resolves.toBeUndefined();
    expect(sut.status).toBe('ready');
  });
});

describe(parseClusterNodes.name, () => {
  it('should read host:port lists, IPv6 in brackets included', () => {
    expect(parseClusterNodes('a:7000,[::1]:7001')).toEqual([{ host: 'a', port: 7000 }, { host: '::1', port: 7001 }]);
  });

  it.each(['a', 'a:', ':7000', 'a:99999', 'a:7000,'])('should refuse %p', (list) => {
    expect(() => parseClusterNodes(list)).toThrow(/is not host:port/);
  });
});
