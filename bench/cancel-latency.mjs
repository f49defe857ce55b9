// How long a cancel takes to reach a handler running in another process: from the moment the
// API instance is asked to cancel (MissionsService.changeStatus → CANCELLED, what
// POST /{id}/cancel calls) to the moment the handler's AbortSignal fires on the worker. Boots
// the built module (dist/) twice on one key prefix: this process as an API-only instance, a
// forked child as a worker-only instance whose handler waits for its signal. Both read one
// clock (performance.timeOrigin + now), so the figure includes Redis and pub/sub, nothing else.
//
//   npm run build && node bench/cancel-latency.mjs [--cancels 20]
//
// Prints one JSON line of results; deletes its keys afterwards. Needs Redis (REDIS_URL).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deleteKeysUnder } from './lib/redis-keys.mjs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const now = () => performance.timeOrigin + performance.now();
const dist = (path) => new URL(`../libs/missions/dist/${path}`, import.meta.url);

if (process.argv[2] === '--worker') await runWorker(process.argv[3]);
else await runBench();

async function boot(prefix, role) {
  const [{ Module }, { NestFactory }, { EventEmitterModule }] = await Promise.all([
    import('@nestjs/common'), import('@nestjs/core'), import('@nestjs/event-emitter'),
  ]);
  const { MissionsModule } = await import(dist('missions.module.js'));
  class BenchModule {}
  Module({
    imports: [
      EventEmitterModule.forRoot(),
      MissionsModule.forRoot({
        redis: { url: REDIS_URL }, keyPrefix: prefix, auth: { mode: 'host' },
        execution: { mode: 'bullmq', role, concurrency: 4 },
      }),
    ],
  })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  await app.init();
  return app;
}

/** Child: a worker-only instance whose handler reports when it starts and when its signal fires. */
async function runWorker(prefix) {
  const { MissionHandlerRegistry } = await import(dist('execution/mission-handler.registry.js'));
  const app = await boot(prefix, 'worker');
  app.get(MissionHandlerRegistry).register('wait-for-cancel', async ({ mission, signal }) => {
    process.send({ started: mission.id });
    await new Promise((resolve) => signal.addEventListener('abort', () => {
      process.send({ aborted: mission.id, at: now() });
      resolve();
    }, { once: true }));
  });
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await app.close();
    process.exit(0);
  });
  process.send({ ready: true });
}

async function runBench() {
  const { values } = parseArgs({ options: { cancels: { type: 'string', default: '20' } } });
  const cancels = Number(values.cancels);
  if (!existsSync(dist('missions.module.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const { MissionsService } = await import(dist('core/missions.service.js'));

  const prefix = `bench:cancel:${randomUUID().slice(0, 8)}:`;
  const app = await boot(prefix, 'api');
  const service = app.get(MissionsService);
  const principal = { principal_id: 'bench', tenant_id: 'bench', app_id: null, roles: [] };
  const worker = fork(new URL(import.meta.url), ['--worker', prefix]);
  const waiters = new Map();
  const waitFor = (key) => new Promise((resolve) => waiters.set(key, resolve));
  worker.on('message', (message) => {
    const key = message.ready ? 'ready' : message.started ? `started:${message.started}` : `aborted:${message.aborted}`;
    waiters.get(key)?.(message);
  });

  try {
    await waitFor('ready');
    const latencies = [];
    for (let i = 0; i < cancels; i++) {
      const mission = (await service.create(principal, { name: `cancel ${i}`, data: { type: 'wait-for-cancel' } })).mission;
      const started = waitFor(`started:${mission.id}`);
      await service.execute(principal, mission.id);
      await started;
      const aborted = waitFor(`aborted:${mission.id}`);
      const sentAt = now();
      await service.changeStatus(principal, mission.id, 'CANCELLED');
      latencies.push((await aborted).at - sentAt);
    }
    latencies.sort((x, y) => x - y);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const round = (ms) => Math.round(ms * 100) / 100;
    console.log(JSON.stringify({
      cancels, median_ms: round(at(0.5)), p90_ms: round(at(0.9)), max_ms: round(latencies[latencies.length - 1]), min_ms: round(latencies[0]),
    }));
  } finally {
    worker.send('stop');
    await new Promise((resolve) => worker.once('exit', resolve));
    await app.close();
    await deleteKeysUnder(REDIS_URL, prefix);
    console.error(`bench/cancel-latency: done; keys under ${prefix} deleted.`);
  }
}
