import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Cluster, Command } from 'ioredis';
import request from 'supertest';
import { missionKeys, retentionTenantsKey } from '../libs/missions/src/store/mission-keys.js';
import { BULLMQ_CONNECTION_OVERRIDES, createRedisConnection, parseClusterNodes } from '../libs/missions/src/store/redis-connection.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { ClusterTopology, connectCluster, testCluster } from './support/redis-cluster-topology.js';
import { deleteKeys } from './support/redis-test-keys.js';
import { bearer, token } from './support/tokens.js';

/** Every command the module sends, with the keys Redis Cluster routes it by. */
function recordCommands(client: Cluster): { name: string; keys: string[] }[] {
  const sent: { name: string; keys: string[] }[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Command, ...rest: unknown[]) => {
    sent.push({ name: command.name, keys: command.getKeys().map(String) });
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as Cluster['sendCommand'];
  return sent;
}

describe('Missions on a Redis Cluster: key layout', () => {
  let cluster: { nodes: string; release(): void };
  let client: Cluster;
  let topology: ClusterTopology;
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  let sent: { name: string; keys: string[] }[];

  beforeAll(async () => {
    cluster = await testCluster();
    client = await connectCluster(cluster.nodes);
    topology = await ClusterTopology.of(client);
    sent = recordCommands(client);
    t = await startMissionsApp('cluster-layout', { redis: { client }, demoStepMs: 5 });
    http = request(t.app.getHttpServer());
  });

  afterAll(async () => {
    await t?.close();
    await client?.quit();
    cluster?.release();
  });

  it('should spread tenants over more than one master, each tenant whole on the master of its slot', async () => {
    const tenants = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
    const byMaster = new Map<string, string[]>();
    await Promise.all(tenants.map(async (tenant) => {
      const auth = bearer(token({ sub: 'u', tenant_id: tenant }));
      const { body } = await http.post('/api/missions').set(auth).send({ name: tenant }).expect(201);
      // A second entry: the first lives in the mission hash, the list exists from the second on.
      await http.post(`/api/missions/${body.id}/log`).set(auth).send({ message: 'placed' }).expect(202);
      const keys = missionKeys(t.prefix, tenant);
      const master = await topology.masterOf(keys.mission(body.id));
      byMaster.set(master, [...(byMaster.get(master) ?? []), tenant]);
      // Read straight from that one server: the mission, its log, indexes and stats are all there.
      const node = topology.masterConnection(master);
      expect(await node.exists(keys.mission(body.id), keys.log(body.id), keys.all, keys.stats, keys.events)).toBe(5);
    }));
    expect(byMaster.size).toBeGreaterThanOrEqual(2);
    expect([...byMaster.values()].flat().sort()).toEqual([...tenants].sort());
  });

  it('should send only commands whose keys share one slot, the tenant slot, through the whole lifecycle', async () => {
    const tenants = ['layout', 'we{ird}:tenant', null];
    for (const tenant of tenants) {
      sent.length = 0;
      const auth = bearer(token({ sub: 'u', ...(tenant === null ? {} : { tenant_id: tenant }) }));
      const { body } = await http.post('/api/missions').set(auth).set('Idempotency-Key', 'k').send({ name: 'n' }).expect(201);
      await http.post('/api/missions').set(auth).set('Idempotency-Key', 'k').send({ name: 'n' }).expect(201);
      await http.post(`/api/missions/${body.id}/log`).set(auth).send({ message: 'hello' }).expect(202);
      await http.get(`/api/missions/${body.id}/log`).set(auth).expect(200);
      await http.get('/api/missions?status=PENDING').set(auth).expect(200);
      await http.get('/api/missions').set(auth).expect(200);
      await http.get('/api/missions/stats/overview').set(auth).expect(200);
      await http.post(`/api/missions/${body.id}/execute`).set(auth).expect(202);
      const second = (await http.post('/api/missions').set(auth).send({ name: 'n2' }).expect(201)).body.id;
      await http.post(`/api/missions/${second}/cancel`).set(auth).expect(200);
      await http.get('/api/missions?name_prefix=N').set(auth).expect(200);
      await http.delete(`/api/missions/${second}`).set(auth).expect(204);
      // The runner's writes too: wait until it has finished the mission.
      await eventually(async () => (await http.get(`/api/missions/${body.id}`).set(auth).expect(200)).body.status === 'COMPLETED');

      const tenantSlot = await topology.slotOf(missionKeys(t.prefix, tenant).stats);
      // The retention registry of tenants has a slot of its own, and is written alone.
      const retentionRegistry = retentionTenantsKey(t.prefix);
      const registrations = sent.filter((c) => c.keys.includes(retentionRegistry));
      expect(registrations.map((c) => [c.name, c.keys])).toEqual(registrations.map(() => ['zadd', [retentionRegistry]]));
      expect(registrations.length).toBeGreaterThan(0);
      const keyed = sent.filter((c) => c.keys.length > 0 && !c.keys.includes(retentionRegistry));
      expect(keyed.map((c) => c.name)).toEqual(expect.arrayContaining(['evalsha', 'hgetall', 'zrange', 'lrange']));
      for (const { name, keys } of keyed) {
        const slots = new Set(await Promise.all(keys.map((key) => topology.slotOf(key))));
        // The dispatch registry shards (how reconcilers find the tenant) have slots of their own.
        const registry = keys.every((key) => key.includes('{missions-dispatch.'));
        expect({ tenant, name, slots: [...slots].length }).toEqual({ tenant, name, slots: 1 });
        if (!registry) expect({ tenant, name, slots: [...slots] }).toEqual({ tenant, name, slots: [tenantSlot] });
      }
    }
  });

  it('should run BullMQ through the connection factory when its prefix is one hash tag, and refuse it otherwise', async () => {
    const tag = `{test-bull-${randomUUID().slice(0, 8)}}`;
    // BullMQ never closes a connection it was given.
    const connections: ReturnType<typeof createRedisConnection>[] = [];
    const connect = () => {
      connections.push(createRedisConnection({ cluster: { nodes: parseClusterNodes(cluster.nodes), options: {} } }, BULLMQ_CONNECTION_OVERRIDES));
      return connections[connections.length - 1];
    };
    const queue = new Queue('missions', { connection: connect(), prefix: tag });
    const untagged = new Queue('missions', { connection: connect(), prefix: tag.slice(1, -1) });
    const processed: number[] = [];
    const worker = new Worker('missions', async (job) => void processed.push(job.data.n), { connection: connect(), prefix: tag });
    try {
      await Promise.all([0, 1, 2, 3, 4].map((n) => queue.add('run', { n })));
      await eventually(async () => processed.length === 5);
      expect(processed.sort()).toEqual([0, 1, 2, 3, 4]);
      await expect(untagged.add('run', { n: 0 })).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await worker.close();
      await Promise.all([queue.close(), untagged.close()]);
      for (const connection of connections) connection.disconnect();
      for (const prefix of [tag, tag.slice(1, -1)]) await deleteKeys(client, prefix);
    }
  });
});
