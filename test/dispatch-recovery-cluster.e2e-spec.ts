import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from 'ioredis';
import { startCluster, stopCluster, type LocalRedisCluster } from '../scripts/redis-cluster.mjs';
import { missionKeys } from '../libs/missions/src/store/mission-keys.js';
import { uniquePrefix } from './support/redis-test-keys.js';
import { freePort } from './support/ports.js';
import { atFixedRate, auditMissions, createMissions, recoveryServiceMain, waitUntilNoneRunning, type TenantMissions } from './support/recovery-audit.js';
import { ClusterTopology, connectCluster } from './support/redis-cluster-topology.js';
import { ServiceProcess } from './support/service-process.js';
import { bearer, TEST_SECRET, token } from './support/tokens.js';

const BOUND_MS = 15_000;

/**
 * The 3-master cluster of its own (no replicas): one master paused (SIGSTOP) for 3 s while
 * executes run for tenants on every master; after it resumes, no mission stays RUNNING. The
 * tenants' dispatch sets are in their own slots, the registry shards and the queue elsewhere.
 */
describe('Missions recovery on a Redis Cluster: one master paused', () => {
  const main = recoveryServiceMain();
  const prefix = uniquePrefix('rec-cluster');
  const processes: ServiceProcess[] = [];
  let own: LocalRedisCluster;
  let probe: Cluster;
  let base: string;

  beforeAll(async () => {
    own = await startCluster();
    probe = await connectCluster(own.nodes);
    const env = {
      REDIS_URL: '', REDIS_CLUSTER_NODES: own.nodes, MISSIONS_KEY_PREFIX: prefix, JWT_SECRET: TEST_SECRET, NODE_ENV: 'test', LOG_LEVEL: 'info',
      MISSIONS_DEMO_STEP_MS: '50', MISSIONS_RECOVERY_GRACE_MS: '1500', MISSIONS_RECOVERY_INTERVAL_MS: '250',
      MISSIONS_JOB_LOCK_MS: '2000', MISSIONS_STALLED_INTERVAL_MS: '1000', MISSIONS_JOB_ATTEMPTS: '2', MISSIONS_JOB_BACKOFF_MS: '100',
      MISSIONS_WORKER_CONCURRENCY: '50',
    };
    const port = await freePort();
    const worker = ServiceProcess.start('worker', main, { ...env, MISSIONS_ROLE: 'worker' });
    const api = ServiceProcess.start('api', main, { ...env, MISSIONS_ROLE: 'api', PORT: String(port) });
    processes.push(worker, api);
    await Promise.all([worker.waitForOutput('Missions worker running', 30_000), api.waitForOutput('Missions listening', 30_000)]);
    base = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    probe?.disconnect();
    if (own) stopCluster(own.dir);
  });

  it('should leave no mission RUNNING after one master is paused for 3 s during executes', async () => {
    const topology = await ClusterTopology.of(probe);
    const groups: (TenantMissions & { headers: Record<string, string> })[] = Array.from({ length: 12 }, (_, i) => ({
      tenant: `rc-${i}`,
      ids: Array.from({ length: 15 }, (__, n) => `m-${n}`),
      headers: { ...bearer(token({ sub: 'ops', tenant_id: `rc-${i}` })), 'Content-Type': 'application/json' },
    }));
    for (const { headers, ids } of groups) await createMissions(base, headers, ids);
    const masters = await Promise.all(groups.map((g) => topology.masterOf(missionKeys(prefix, g.tenant).stats)));
    const victim = masters[0];
    const pid = Number(readFileSync(join(own.dir, victim.split(':')[1], 'redis.pid'), 'utf8'));

    let resumedAt = 0;
    const fault = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      process.kill(pid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      process.kill(pid, 'SIGCONT');
      resumedAt = performance.now();
    })();
    const answers: { status: number; ms: number }[] = [];
    // Interleaved over tenants, one every 15 ms spanning the pause, none after SIGCONT: the time
    // to recover is measured from it.
    const order = groups[0].ids.flatMap((_, n) => groups.map((g) => ({ ...g, id: g.ids[n] })));
    await atFixedRate(order, 15, () => resumedAt === 0, async ({ headers, id }) => {
      const started = performance.now();
      const status = await fetch(`${base}/api/missions/${id}/execute`, { method: 'POST', headers }).then((r) => r.status, () => 0);
      answers.push({ status, ms: performance.now() - started });
    });
    await fault;

    const { stuck, recoveredMs, timeline } = await waitUntilNoneRunning(probe, prefix, groups, resumedAt, BOUND_MS);
    const byStatus = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    console.log(`Cluster master paused 3 s (${masters.filter((m) => m === victim).length} of 12 tenants on it): answers ` +
      `${JSON.stringify(byStatus)}, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms; ${stuck} stuck RUNNING ` +
      `${(recoveredMs / 1000).toFixed(1)} s after SIGCONT (RUNNING each second: ${timeline})`);
    expect(stuck).toBe(0);
    await auditMissions(probe, prefix, groups);
    // Generous: the server answers within ~1.5 s (a registry shard on the paused master costs one
    // command timeout, the enqueue wait another), and this loaded client adds its own delay.
    expect(answers.filter((a) => a.ms > 5000)).toEqual([]);
  }, 90_000);
});
