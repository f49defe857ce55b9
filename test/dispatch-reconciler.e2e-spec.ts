import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MetricsModule } from '../src/metrics/metrics.module.js';
import { MissionRecorder } from '../libs/missions/src/events/mission-recorder.js';
import type { MissionsExecutionOptions } from '../libs/missions/src/options/missions.options.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { seriesValue } from './support/prometheus-text.js';
import { bearer, token } from './support/tokens.js';

const FAST: MissionsExecutionOptions = { recoveryGraceMs: 300, recoveryIntervalMs: 100 };

/**
 * The step a crash can cut: RUNNING committed, the mission never handed to a job or a run. Here
 * the commit is made directly, as a process that died right after it would leave it; the
 * reconciler must find the mission by its dispatch entry, run it, log it and count it.
 */
describe.each([
  ['bullmq', { mode: 'bullmq', lockDurationMs: 1000, stalledIntervalMs: 500 }],
  ['in-process', { mode: 'in-process' }],
] as const)('MissionDispatchReconciler (%s)', (mode, execution) => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  const tenant = `reconcile-${mode}`;
  const auth = bearer(token({ sub: 'ops', tenant_id: tenant }));

  beforeAll(async () => {
    t = await startMissionsApp(`reconcile-${mode}`, { execution: { ...FAST, ...execution } }, [MetricsModule.forRoot({})]);
    http = request(t.app.getHttpServer());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should run a mission committed RUNNING without a job or owner, once, and count it', async () => {
    const { body } = await http.post('/api/missions').set(auth).send({ name: 'orphan' }).expect(201);
    const committed = await t.app.get(MissionRecorder).changeStatus(tenant, body.id, 'RUNNING', { tenantId: tenant, principalId: null });
    expect(committed.kind).toBe('changed');

    await eventually(async () => (await http.get(`/api/missions/${body.id}`).set(auth)).body.status === 'COMPLETED', 10_000);
    const { log } = (await http.get(`/api/missions/${body.id}/log`).set(auth).expect(200)).body as { log: { message: string; data: { to?: string } }[] };
    expect(log.filter((e) => e.message === 'Mission execution started')).toHaveLength(1);
    expect(log.filter((e) => e.message === 'Mission status changed').map((e) => e.data.to)).toEqual(['RUNNING', 'COMPLETED']);
    // The entry went with the end of the mission: nothing left to check.
    expect(await t.redis.zcard(`${t.prefix}{t.${tenant}}:dispatch`)).toBe(0);

    const metrics = (await http.get('/metrics').expect(200)).text;
    expect(seriesValue(metrics, 'missions_recovered_total{action="redispatched"}')).toBe(1);
  });

  it('should leave a mission started the normal way to its run, without recovering it', async () => {
    const { body } = await http.post('/api/missions').set(auth).send({ name: 'normal' }).expect(201);
    await http.post(`/api/missions/${body.id}/execute`).set(auth).expect(202);
    await eventually(async () => (await http.get(`/api/missions/${body.id}`).set(auth)).body.status === 'COMPLETED', 10_000);
    // Past a grace period and a few sweeps: the first mission stays the only one recovered.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const metrics = (await http.get('/metrics').expect(200)).text;
    expect(seriesValue(metrics, 'missions_recovered_total{action="redispatched"}')).toBe(1);
  });
});
