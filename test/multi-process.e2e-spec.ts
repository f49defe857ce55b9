import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import type { MissionsRedisClient } from '../libs/missions/src/store/redis-connection.js';
import request from 'supertest';
import { missionJobId } from '../libs/missions/src/execution/bullmq/mission-job.js';
import { eventually } from './support/missions-app.js';
import { connectTestRedis, deleteKeys, testBullmqConnection, testRedisEnv, uniquePrefix } from './support/redis-test-keys.js';
import { builtMain } from './support/built-service.js';
import { freePort } from './support/ports.js';
import { ServiceProcess } from './support/service-process.js';
import { SseClient } from './support/sse-client.js';
import { bearer, TEST_SECRET, token } from './support/tokens.js';

type LogEntry = { level: string; message: string; data: Record<string, unknown> };
type Envelope = { type: string; payload: Record<string, unknown> };

// Each demo mission sleeps two steps: long enough to cancel it or kill its worker mid-run.
const STEP_MS = 1500;

/**
 * Two API processes and one worker process of the built service on one Redis: missions are
 * created on A, run on the worker, watched on B; a cancel on B stops the run on the worker; a
 * worker killed with SIGKILL loses nothing: its job is taken again by the next worker.
 */
describe('Missions across processes (2 API, 1 worker, 1 Redis)', () => {
  const prefix = uniquePrefix('multi');
  const auth = bearer(token({ sub: 'mp-user', tenant_id: 'mp' }));
  const processes: ServiceProcess[] = [];
  let a: ReturnType<typeof request>;
  let b: ReturnType<typeof request>;
  let baseB: string;
  let sse: SseClient;
  let redis: MissionsRedisClient;
  let queue: Queue;
  let build: ReturnType<typeof builtMain>;

  const env = (role: string, port?: number): Record<string, string> => ({
    ...(port === undefined ? {} : { PORT: String(port) }), MISSIONS_ROLE: role, ...testRedisEnv(), MISSIONS_KEY_PREFIX: prefix, JWT_SECRET: TEST_SECRET,
    NODE_ENV: 'test', LOG_LEVEL: 'info', MISSIONS_DEMO_STEP_MS: String(STEP_MS), MISSIONS_JOB_LOCK_MS: '1000', MISSIONS_STALLED_INTERVAL_MS: '500',
    MISSIONS_JOB_ATTEMPTS: '2', MISSIONS_JOB_BACKOFF_MS: '100', MISSIONS_WORKER_CONCURRENCY: '4',
  });
  const startWorker = async (name: string) => {
    const worker = ServiceProcess.start(name, build.main, env('worker'));
    processes.push(worker);
    await worker.waitForOutput('Missions worker running');
    return worker;
  };

  beforeAll(async () => {
    build = builtMain();
    redis = await connectTestRedis();
    queue = new Queue('missions', { connection: testBullmqConnection(), prefix: `${prefix}{missions-queue}` });
    const [portA, portB] = [await freePort(), await freePort()];
    const apiA = ServiceProcess.start('api-a', build.main, env('api', portA));
    const apiB = ServiceProcess.start('api-b', build.main, env('api', portB));
    processes.push(apiA, apiB);
    await Promise.all([apiA.waitForOutput('Missions listening'), apiB.waitForOutput('Missions listening'), startWorker('worker-1')]);
    a = request(`http://127.0.0.1:${portA}`);
    baseB = `http://127.0.0.1:${portB}`;
    b = request(baseB);
    sse = await SseClient.connect(`${baseB}/api/missions/events`, auth);
  }, 120_000);

  afterAll(async () => {
    sse?.close();
    await Promise.all(processes.map((p) => p.kill()));
    await queue?.close();
    await queue?.disconnect();
    await deleteKeys(redis, prefix);
    await redis.quit();
    build?.cleanup();
  });

  const create = async (name: string): Promise<string> => (await a.post('/api/missions').set(auth).send({ name }).expect(201)).body.id;
  const logOf = async (id: string): Promise<LogEntry[]> => (await b.get(`/api/missions/${id}/log`).set(auth).expect(200)).body.log;
  const statusOf = async (id: string): Promise<string> => (await b.get(`/api/missions/${id}`).set(auth).expect(200)).body.status;
  const logHas = (id: string, message: string) => eventually(async () => (await logOf(id)).some((e) => e.message === message), 10_000);
  const ended = (id: string) => eventually(async () => (['COMPLETED', 'FAILED', 'CANCELLED'].includes(await statusOf(id)) ? statusOf(id) : null), 15_000);
  const sseEventsOf = (id: string) =>
    sse.events.map((frame) => ({ id: frame.id!, event: frame.event!, envelope: JSON.parse(frame.data!) as Envelope }))
      .filter((e) => e.envelope.payload['mission_id'] === id);

  it('should run a mission executed on A on the worker, every event seen in order on B', async () => {
    const id = await create('completes');
    await a.post(`/api/missions/${id}/execute`).set(auth).expect(202);
    expect(await ended(id)).toBe('COMPLETED');
    const log = await logOf(id);
    expect(log.map((e) => e.message)).toEqual([
      'Mission created', 'Mission status changed', 'Mission execution started', 'Mission executing step 1',
      'Mission execution finished', 'Mission status changed',
    ]);
    await sse.until(() => sseEventsOf(id).length === 9, 5000, 'all 9 events of the mission');
    const events = sseEventsOf(id);
    expect(events.map((e) => e.event)).toEqual([
      'mission.created', 'mission.log_appended', 'mission.status_changed', 'mission.log_appended', 'mission.log_appended',
      'mission.log_appended', 'mission.log_appended', 'mission.status_changed', 'mission.log_appended',
    ]);
    expect(events.map((e) => e.envelope.type)).toEqual(events.map((e) => e.event));
    expect(events.filter((e) => e.event === 'mission.log_appended').map((e) => e.envelope.payload['message'])).toEqual(log.map((e) => e.message));
    const streamIds = (await redis.xrange(`${prefix}{t.mp}:events`, '-', '+')).map(([streamId]) => streamId);
    expect(events.map((e) => e.id)).toEqual(streamIds.filter((streamId) => events.some((e) => e.id === streamId)));
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort(compareStreamIds));
  });

  it('should stop a long-running mission on the worker within 1 s when it is cancelled on B', async () => {
    const id = await create('cancelled');
    await a.post(`/api/missions/${id}/execute`).set(auth).expect(202);
    await logHas(id, 'Mission execution started');
    const cancelledAt = Date.now();
    await b.post(`/api/missions/${id}/cancel`).set(auth).expect(200, /"status":"CANCELLED"/);
    // The job finishes when the handler returned: at once if its signal fired, after its two steps if not.
    const finishedOn = await eventually(async () => (await queue.getJob(missionJobId('mp', id)))?.finishedOn, 10_000);
    expect(finishedOn - cancelledAt).toBeLessThan(1000);
    const log = await logOf(id);
    expect(log.map((e) => e.message)).toEqual(['Mission created', 'Mission status changed', 'Mission execution started', 'Mission status changed']);
    expect(log[3].data).toEqual({ from: 'RUNNING', to: 'CANCELLED' });
    expect(await statusOf(id)).toBe('CANCELLED');
  });

  it('should finish a mission exactly once after its worker is killed mid-run and another one starts', async () => {
    const id = await create('survives');
    await a.post(`/api/missions/${id}/execute`).set(auth).expect(202);
    await logHas(id, 'Mission execution started');
    await processes.find((p) => p.name === 'worker-1')!.kill('SIGKILL');
    expect(await statusOf(id)).toBe('RUNNING');
    await startWorker('worker-2');
    expect(await ended(id)).toBe('COMPLETED');
    const log = await logOf(id);
    expect(log.filter((e) => e.message === 'Mission execution started')).toHaveLength(2);
    expect(log.filter((e) => e.message === 'Mission status changed').map((e) => e.data)).toEqual([
      { from: 'PENDING', to: 'RUNNING' }, { from: 'RUNNING', to: 'COMPLETED' },
    ]);
    await sse.until(() => sseEventsOf(id).filter((e) => e.event === 'mission.status_changed').length === 2, 5000, 'the final status event');
    expect(sseEventsOf(id).filter((e) => e.event === 'mission.status_changed').map((e) => e.envelope.payload['new_status'])).toEqual(['RUNNING', 'COMPLETED']);
  });

  it('should count every mission once in the stats, none left RUNNING', async () => {
    const { stats } = (await b.get('/api/missions/stats/overview').set(auth).expect(200)).body;
    expect(stats).toMatchObject({ total: 3, by_status: { PENDING: 0, RUNNING: 0, COMPLETED: 2, FAILED: 0, CANCELLED: 1 } });
  });
});

function compareStreamIds(x: string, y: string): number {
  const [xm, xs] = x.split('-').map(BigInt);
  const [ym, ys] = y.split('-').map(BigInt);
  return xm === ym ? Number(xs - ys) : xm < ym ? -1 : 1;
}
