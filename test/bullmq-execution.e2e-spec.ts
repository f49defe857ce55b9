import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type DynamicModule } from '@nestjs/common';
import { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { MissionHandler } from '../libs/missions/src/execution/mission-handler.decorator.js';
import type { MissionHandlerContext } from '../libs/missions/src/execution/mission-handler.js';
import { missionJobId } from '../libs/missions/src/execution/bullmq/mission-job.js';
import { MissionRunner } from '../libs/missions/src/execution/mission-runner.js';
import type { MissionsExecutionOptions } from '../libs/missions/src/options/missions.options.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { testBullmqConnection } from './support/redis-test-keys.js';
import { bearer, token } from './support/tokens.js';

type LogEntry = { level: string; message: string; data: Record<string, unknown> };

/** Handlers of the worker app, found through `@MissionHandler`; they record what they saw. */
@Injectable()
class RecordingHandlers {
  readonly calls = new Map<string, number>();
  readonly started = new Map<string, number>();
  readonly aborted = new Map<string, number>();

  private seen(ctx: MissionHandlerContext): void {
    const id = ctx.mission.id;
    this.calls.set(id, (this.calls.get(id) ?? 0) + 1);
    this.started.set(id, performance.now());
    ctx.signal.addEventListener('abort', () => this.aborted.set(id, performance.now()), { once: true });
  }

  @MissionHandler('echo')
  async echo(ctx: MissionHandlerContext) {
    this.seen(ctx);
    await ctx.progress(50);
    return { echoed: ctx.mission.data['value'] };
  }

  @MissionHandler('flaky')
  async flaky(ctx: MissionHandlerContext): Promise<void> {
    this.seen(ctx);
    throw new Error(`boom ${this.calls.get(ctx.mission.id)}`);
  }

  @MissionHandler('wait-for-cancel')
  async waitForCancel(ctx: MissionHandlerContext): Promise<void> {
    this.seen(ctx);
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
  }

  /** Ignores its signal, and hangs on its first run (60 s): only a shutdown or a timeout ends that one. */
  @MissionHandler('hangs-once')
  async hangsOnce(ctx: MissionHandlerContext) {
    this.seen(ctx);
    if (this.calls.get(ctx.mission.id) === 1) await sleep(60_000, undefined, { ref: false });
    return { run: this.calls.get(ctx.mission.id) };
  }

  /** Ignores its signal: only the executor's timeout can end it. */
  @MissionHandler('stubborn')
  async stubborn(ctx: MissionHandlerContext): Promise<void> {
    this.seen(ctx);
    await sleep(3000, undefined, { ref: false });
  }
}

const QUEUE = 'missions';

/** One API-only app and one worker-only app on one prefix: two instances that share only Redis. */
async function startPair(label: string, execution: MissionsExecutionOptions, startWorker = true) {
  const common = { attempts: 3, backoffMs: 50, lockDurationMs: 2000, stalledIntervalMs: 1000, statusCheckMs: 500, ...execution };
  const api = await startMissionsApp(label, { execution: { mode: 'bullmq', role: 'api', ...common } });
  const handlers = new RecordingHandlers();
  const host: DynamicModule = { module: class HandlersHostModule {}, providers: [{ provide: RecordingHandlers, useValue: handlers }] };
  const startWorkerApp = () =>
    startMissionsApp(label, { keyPrefix: api.prefix, execution: { mode: 'bullmq', role: 'worker', ...common } }, [host]);
  const worker = startWorker ? await startWorkerApp() : null;
  const queue = new Queue(QUEUE, { connection: testBullmqConnection(), prefix: `${api.prefix}{missions-queue}` });
  return { api, worker, handlers, queue, startWorkerApp };
}

describe('Missions on BullMQ: an API instance and a worker instance', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let http: ReturnType<typeof request>;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'bq' }));

  beforeAll(async () => {
    pair = await startPair('bullmq', {});
    http = request(pair.api.app.getHttpServer());
  });
  afterAll(async () => {
    await pair.queue.close();
    await pair.queue.disconnect();
    await pair.worker?.close();
    await pair.api.close();
  });

  const create = async (data: object = {}): Promise<string> =>
    (await http.post('/api/missions').set(alice).send({ name: 'bq', data }).expect(201)).body.id;
  const logOf = async (id: string): Promise<LogEntry[]> => (await http.get(`/api/missions/${id}/log`).set(alice).expect(200)).body.log;
  const finalStatus = (id: string) =>
    eventually(async () => {
      const { status } = (await http.get(`/api/missions/${id}`).set(alice)).body;
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(status) ? status : null;
    }, 10_000);

  it('should run a mission without a handler on the worker with the demo behaviour', async () => {
    const id = await create({ env: 'prod' });
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
    expect(await finalStatus(id)).toBe('COMPLETED');
    const log = await logOf(id);
    expect(log.map((e) => e.message)).toEqual([
      'Mission created', 'Mission status changed', 'Mission execution started', 'Mission executing step 1',
      'Mission execution finished', 'Mission status changed',
    ]);
    expect(log[3].data).toEqual({ payload: { env: 'prod' } });
  });

  it('should run the @MissionHandler method for the type and record its result and progress', async () => {
    const id = await create({ type: 'echo', value: 42 });
    await http.post(`/api/missions/${id}/status?mission_status=RUNNING`).set(alice).expect(200);
    expect(await finalStatus(id)).toBe('COMPLETED');
    const log = await logOf(id);
    expect(log).toContainEqual(expect.objectContaining({ level: 'debug', message: 'Mission progress', data: { percent: 50 } }));
    expect(log).toContainEqual(expect.objectContaining({ message: 'Mission execution finished', data: { result: { echoed: 42 } } }));
    expect(pair.handlers.calls.get(id)).toBe(1);
  });

  it('should enqueue one job per mission, keyed by tenant and id, however often it is started', async () => {
    const id = await create({ type: 'echo' });
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(409);
    expect(await finalStatus(id)).toBe('COMPLETED');
    const job = await pair.queue.getJob(missionJobId('bq', id));
    expect(job?.data).toEqual({ tenantId: 'bq', missionId: id });
    await pair.queue.add('run', { tenantId: 'bq', missionId: id }, { jobId: missionJobId('bq', id) });
    expect(await pair.queue.getJobCountByTypes('wait', 'active', 'delayed')).toBe(0);
    expect(pair.handlers.calls.get(id)).toBe(1);
  });

  it('should retry a throwing handler per attempts with backoff, then end FAILED with an error entry', async () => {
    const id = await create({ type: 'flaky' });
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
    expect(await finalStatus(id)).toBe('FAILED');
    expect(pair.handlers.calls.get(id)).toBe(3);
    const log = await logOf(id);
    expect(log.filter((e) => e.level === 'warning').map((e) => e.message)).toEqual([
      'Mission attempt 1 failed, will retry: boom 1', 'Mission attempt 2 failed, will retry: boom 2',
    ]);
    expect(log.filter((e) => e.level === 'error')).toEqual([
      expect.objectContaining({ message: 'Mission execution failed: boom 3', data: { error: 'boom 3' } }),
    ]);
    expect(log.filter((e) => e.message === 'Mission status changed').map((e) => e.data['to'])).toEqual(['RUNNING', 'FAILED']);
  });

  it('should fail a lost run (a job BullMQ gave up on) once, however many workers report it', async () => {
    const runner = pair.worker!.app.get(MissionRunner);
    const cancelled = await create();
    await http.post(`/api/missions/${cancelled}/cancel`).set(alice).expect(200);
    await runner.failLostRun('bq', cancelled, 'job stalled more than allowable limit');
    expect((await http.get(`/api/missions/${cancelled}`).set(alice)).body.status).toBe('CANCELLED');
    expect((await logOf(cancelled)).some((e) => e.level === 'error')).toBe(false);

    const running = await create({ type: 'wait-for-cancel' });
    await http.post(`/api/missions/${running}/execute`).set(alice).expect(202);
    await eventually(async () => pair.handlers.started.has(running));
    await Promise.all([1, 2, 3].map(() => runner.failLostRun('bq', running, 'job stalled more than allowable limit')));
    expect(await finalStatus(running)).toBe('FAILED');
    const log = await logOf(running);
    expect(log.filter((e) => e.level === 'error')).toEqual([
      expect.objectContaining({ message: 'Mission execution failed: job stalled more than allowable limit' }),
    ]);
    // No cancel signal for FAILED: the worker's status check is what stops the handler.
    await eventually(async () => pair.handlers.aborted.has(running));
  });

  it('should fire the running handler\'s signal within 1 s of a cancel on the API instance, and end CANCELLED', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const id = await create({ type: 'wait-for-cancel' });
      await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
      await eventually(async () => pair.handlers.started.has(id));
      const sent = performance.now();
      await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
      const abortedAt = await eventually(async () => pair.handlers.aborted.get(id), 2000);
      latencies.push(abortedAt - sent);
      expect(await finalStatus(id)).toBe('CANCELLED');
      const log = await logOf(id);
      expect(log.some((e) => e.level === 'error' || e.message === 'Mission execution finished')).toBe(false);
    }
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});

describe('Missions on BullMQ: queued cancels and timeouts', () => {
  const alice = bearer(token({ sub: 'alice', tenant_id: 'bq2' }));
  let pair: Awaited<ReturnType<typeof startPair>> | undefined;
  let late: MissionsTestApp | undefined;

  afterEach(async () => {
    await pair?.queue.close();
    await pair?.queue.disconnect();
    await late?.close();
    await pair?.worker?.close();
    await pair?.api.close();
    pair = late = undefined;
  });

  it('should never start a mission cancelled while its job was queued', async () => {
    pair = await startPair('bq-queued', {}, false);
    const http = request(pair.api.app.getHttpServer());
    const id = (await http.post('/api/missions').set(alice).send({ name: 'q', data: { type: 'echo' } }).expect(201)).body.id;
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
    await http.post(`/api/missions/${id}/cancel`).set(alice).expect(200);
    late = await pair.startWorkerApp();
    const jobId = missionJobId('bq2', id);
    await eventually(async () => (await pair?.queue.getJobState(jobId)) === 'completed');
    expect(pair.handlers.calls.get(id)).toBeUndefined();
    const log = (await http.get(`/api/missions/${id}/log`).set(alice).expect(200)).body.log as LogEntry[];
    expect(log.map((e) => e.message)).toEqual(['Mission created', 'Mission status changed', 'Mission status changed']);
    expect((await http.get(`/api/missions/${id}`).set(alice)).body.status).toBe('CANCELLED');
  });

  it('should abort and fail a run longer than the timeout, even when the handler ignores its signal', async () => {
    pair = await startPair('bq-timeout', { timeoutMs: 300 });
    const http = request(pair.api.app.getHttpServer());
    const id = (await http.post('/api/missions').set(alice).send({ name: 't', data: { type: 'stubborn' } }).expect(201)).body.id;
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
    await eventually(async () => (await http.get(`/api/missions/${id}`).set(alice)).body.status === 'FAILED');
    expect(pair.handlers.calls.get(id)).toBe(1);
    expect(pair.handlers.aborted.has(id)).toBe(true);
    const log = (await http.get(`/api/missions/${id}/log`).set(alice).expect(200)).body.log as LogEntry[];
    expect(log.filter((e) => e.level === 'error')).toEqual([
      expect.objectContaining({ message: 'Mission execution failed: Mission timed out after 300 ms' }),
    ]);
  });
});

describe('Missions on BullMQ: a worker shutting down with a run that does not end', () => {
  const alice = bearer(token({ sub: 'alice', tenant_id: 'bq3' }));
  let pair: Awaited<ReturnType<typeof startPair>> | undefined;
  let next: MissionsTestApp | undefined;

  afterEach(async () => {
    await pair?.queue.close();
    await pair?.queue.disconnect();
    await next?.close();
    await pair?.api.close();
    pair = next = undefined;
  });

  // The bug: the worker was left closing in the background after the grace, renewing the job's
  // lock forever, so no other worker could take the mission and it stayed RUNNING (and the
  // renewal timer kept the process alive).
  it('should abort it after the grace and leave its job to another worker, which runs the mission to its end', async () => {
    pair = await startPair('bq-handover', { shutdownGraceMs: 200 });
    const http = request(pair.api.app.getHttpServer());
    const id = (await http.post('/api/missions').set(alice).send({ name: 'h', data: { type: 'hangs-once' } }).expect(201)).body.id;
    await http.post(`/api/missions/${id}/execute`).set(alice).expect(202);
    await eventually(async () => pair?.handlers.calls.get(id) === 1);
    await pair.worker?.close();
    expect(pair.handlers.aborted.has(id)).toBe(true);
    expect((await http.get(`/api/missions/${id}`).set(alice).expect(200)).body.status).toBe('RUNNING');

    next = await pair.startWorkerApp();
    // The lock (2 s) expires, the stalled check (1 s) moves the job back, and the new worker runs it.
    await eventually(async () => (await http.get(`/api/missions/${id}`).set(alice)).body.status === 'COMPLETED', 15_000);
    expect(pair.handlers.calls.get(id)).toBe(2);
    const log = (await http.get(`/api/missions/${id}/log`).set(alice).expect(200)).body.log as LogEntry[];
    expect(log.filter((e) => e.message === 'Mission execution finished')).toEqual([
      expect.objectContaining({ data: { result: { run: 2 } } }),
    ]);
  }, 30_000);
});
