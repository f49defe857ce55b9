// How many events per second an SSE client receives while missions are created as fast as
// the service allows. Boots the built module (dist/) on its own key prefix and a free port,
// forks each SSE client into a process of its own (as a browser would be), creates missions
// through MissionsService (2 events each), and reports what every client received.
// --mode live: clients connect first and receive while the missions are created (the rate is
// then bounded by the writer). --mode catch-up: missions are created first, then clients
// connect with `Last-Event-ID: 0-0` and read them all from Redis (the SSE path alone).
//
//   npm run build && node bench/sse-throughput.mjs [--mode live|catch-up] [--missions 10000] [--concurrency 64] [--clients 1]
//
// Prints one JSON line of results; deletes its keys afterwards. Needs Redis (REDIS_URL).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { parseArgs } from 'node:util';
import { deleteKeysUnder } from './lib/redis-keys.mjs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

if (process.argv[2] === '--client') await runClient(...process.argv.slice(3));
else await runBench();

/** Child: counts the SSE events of one stream, reports timing to the parent, exits. */
async function runClient(url, token, expected, lastEventId) {
  const want = Number(expected);
  let received = 0;
  let firstAt = 0;
  let buffer = '';
  const headers = { Authorization: `Bearer ${token}`, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) };
  get(url, { headers }, (response) => {
    if (response.statusCode !== 200) throw new Error(`SSE answered ${response.statusCode}`);
    process.send({ ready: true });
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      buffer += chunk;
      const frames = buffer.split('\n\n');
      buffer = frames.pop();
      for (const frame of frames) {
        if (!frame.includes('\nevent: ') && !frame.startsWith('event: ')) continue;
        if (received++ === 0) firstAt = performance.now() + performance.timeOrigin;
      }
      if (received >= want) {
        process.send({ received, firstAt, lastAt: performance.now() + performance.timeOrigin });
        process.exit(0);
      }
    });
  });
}

async function runBench() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'live' },
      missions: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '64' }, clients: { type: 'string', default: '1' } },
  });
  const [missions, concurrency, clients] = [values.missions, values.concurrency, values.clients].map(Number);
  if (!['live', 'catch-up'].includes(values.mode)) throw new Error('--mode must be live or catch-up');
  const dist = new URL('../libs/missions/dist/missions.module.js', import.meta.url);
  if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first.');

  const [{ Module }, { NestFactory }, { EventEmitterModule }, jwt] = await Promise.all([
    import('@nestjs/common'), import('@nestjs/core'), import('@nestjs/event-emitter'), import('jsonwebtoken'),
  ]);
  const { MissionsModule } = await import(dist);
  const { MissionsService } = await import(new URL('../libs/missions/dist/core/missions.service.js', import.meta.url));

  const prefix = `bench:sse:${randomUUID().slice(0, 8)}:`;
  const secret = randomUUID();
  class BenchModule {}
  Module({
    imports: [
      EventEmitterModule.forRoot(),
      // The stream holds every event of the run, so no client can fall behind a trim.
      MissionsModule.forRoot({ redis: { url: REDIS_URL }, keyPrefix: prefix, auth: { mode: 'jwt', secret }, eventStreamMaxLen: missions * 2 + 100 }),
    ],
  })(BenchModule);
  const app = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}/api/missions/events`;
  const principal = { principal_id: 'bench', tenant_id: 'bench', app_id: null, roles: [] };
  const token = jwt.default.sign({ sub: 'bench', tenant_id: 'bench' }, secret, { algorithm: 'HS256', expiresIn: '1h' });
  const expected = missions * 2;

  const service = app.get(MissionsService);
  const createAll = async () => {
    const startedAt = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < missions) {
        next += 1;
        await service.create(principal, { name: `bench ${next}` });
      }
    }));
    return { startedAt, writtenAt: Date.now() };
  };
  const connectAll = async (lastEventId) => {
    const args = ['--client', url, token, String(expected), ...(lastEventId ? [lastEventId] : [])];
    const children = Array.from({ length: clients }, () => fork(new URL(import.meta.url), args));
    const results = children.map((child) => new Promise((resolve, reject) => {
      child.on('message', (message) => message.received !== undefined && resolve(message));
      child.on('exit', (code) => code !== 0 && reject(new Error(`client exited with ${code}`)));
    }));
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
    return results;
  };

  try {
    let writes;
    let results;
    if (values.mode === 'live') {
      results = await connectAll();
      writes = await createAll();
    } else {
      writes = await createAll();
      results = await connectAll('0-0');
    }
    const received = await Promise.all(results);
    const writeSeconds = (writes.writtenAt - writes.startedAt) / 1000;
    console.log(JSON.stringify({
      mode: values.mode, missions, events: expected, concurrency, clients,
      write_seconds: writeSeconds,
      writes_events_per_second: Math.round(expected / writeSeconds),
      received_events_per_second_per_client: received.map((r) => Math.round(r.received / ((r.lastAt - r.firstAt) / 1000))),
      last_event_after_last_write_ms: Math.round(Math.max(...received.map((r) => r.lastAt)) - writes.writtenAt),
    }));
  } finally {
    await app.close();
    await deleteKeysUnder(REDIS_URL, prefix);
    console.error(`bench/sse-throughput: done; keys under ${prefix} deleted.`);
  }
}
