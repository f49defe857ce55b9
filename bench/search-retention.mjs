// `npm run bench:search-retention` (1M missions in one tenant, a few minutes) or
// `node bench/search-retention.mjs --quick` (20k). Starts its own redis-server and one service
// (Express, production settings), seeds one tenant of finished (COMPLETED) missions in the
// project's layout, then measures:
// - the name search page next to the plain list page (p50/p99, one request at a time, interleaved);
// - Redis bytes per mission of the name index and of the retention index (MEMORY USAGE);
// - the retention sweeper's cost per sweep (time and Redis commands) with that tenant: not due,
//   due with nothing expired, and deleting a full batch of expired missions.
// Writes bench/results/<date>-search-retention[-quick].json and .md, and stops everything.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Redis } from 'ioredis';
import { MissionRetentionSweeper } from '../libs/missions/dist/core/mission-retention.sweeper.js';
import { MissionRecorder } from '../libs/missions/dist/events/mission-recorder.js';
import { MissionsPublisher } from '../libs/missions/dist/events/missions.publisher.js';
import { resolveMissionsOptions } from '../libs/missions/dist/options/missions.options.js';
import { retentionTenantsKey, tenantTag } from '../libs/missions/dist/store/mission-keys.js';
import { MissionRetentionRepository } from '../libs/missions/dist/store/mission-retention.repository.js';
import { MissionDispatchRepository } from '../libs/missions/dist/store/mission-dispatch.repository.js';
import { MissionsRepository } from '../libs/missions/dist/store/missions.repository.js';
import { BENCH_SECRET, bearerFor, missionBody } from './lib/fixtures.mjs';
import { summarize, timeOne } from './lib/load.mjs';
import { usedMemory } from './lib/memory.mjs';
import { startHttpServer, startRedis, stopAll } from './lib/processes.mjs';
import { ProjectSeeder } from './lib/project-seeder.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, size: { type: 'string' } } });
const size = Number(args.size ?? (args.quick ? 20_000 : 1_000_000));
const rounds = args.quick ? 30 : 200;
const tenant = 'scale-search';
const AGE_S = 3600;
const BATCH = 500;
const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const began = Date.now();
const log = (line) => console.log(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const clients = [];

const PAGES = [
  ['list, first page', '/api/missions?limit=100'],
  ['search, 10% of names match', '/api/missions?name_prefix=deploy%20API%20v2.5&limit=100'],
  ['search, 0.1% match', '/api/missions?name_prefix=deploy%20api%20v2.512&limit=100'],
  ['search, no match', '/api/missions?name_prefix=zzz&limit=100'],
];

async function pageLatencies(url) {
  const auth = bearerFor(tenant);
  const samples = PAGES.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [, path]] of PAGES.entries()) samples[i].push(await timeOne(`${url}${path}`, auth));
  }
  return PAGES.map(([label, path], i) => ({ label, path, ...summarize(samples[i]) }));
}

/** The sweeper as a process runs it, on a client whose commands are counted. */
function sweeperOn(redis, keyPrefix) {
  const options = resolveMissionsOptions({ redis: { client: redis }, keyPrefix, auth: { mode: 'host' }, retention: { COMPLETED: AGE_S, batchSize: BATCH } });
  const repository = new MissionsRepository(redis, options, new MissionDispatchRepository(redis, options));
  const recorder = new MissionRecorder(repository, new MissionsPublisher(new EventEmitter2()));
  return { repository, sweeper: new MissionRetentionSweeper(new MissionRetentionRepository(redis, options), recorder, options) };
}

function countCommands(redis) {
  const counted = { commands: 0 };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, ...rest) => {
    counted.commands += 1;
    return send(command, ...rest);
  };
  return counted;
}

async function sweepCost(sweeper, counted, now, times) {
  const runs = [];
  for (let i = 0; i < times; i++) {
    const before = counted.commands;
    const started = process.hrtime.bigint();
    const outcome = await sweeper.sweep(now);
    runs.push({ ms: Number(process.hrtime.bigint() - started) / 1e6, commands: counted.commands - before, ...outcome });
  }
  const ms = summarize(runs.map((r) => r.ms));
  return { sweeps: times, p50_ms: ms.p50, p99_ms: ms.p99, commands: runs.map((r) => r.commands), deleted: runs.map((r) => r.deleted), tenants: runs.map((r) => r.tenants) };
}

async function main() {
  const loadBefore = os.loadavg().map((l) => l.toFixed(2));
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  clients.push(redis);
  const prefix = 'bench-sr:';
  const server = await startHttpServer('express', at('../dist/main.js'), {
    REDIS_URL: redisServer.url, MISSIONS_KEY_PREFIX: prefix, JWT_SECRET: BENCH_SECRET, NODE_ENV: 'production', HTTP_ADAPTER: 'express',
  });
  log(`redis-server ${redisServer.url}, service :${server.port}, ${size} missions`);

  const seeder = new ProjectSeeder(redisServer.url, prefix);
  clients.push(seeder.redis);
  const m0 = await usedMemory(redis);
  let started = Date.now();
  await seeder.seedLayout(tenant, size, missionBody, { status: 'COMPLETED' });
  const seedMs = Date.now() - started;
  const keys = seeder.keysFor(tenant);
  const usage = async (key) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  const memory = {
    info_bytes_per_mission: ((await usedMemory(redis)) - m0) / size,
    name_index_bytes_per_mission: (await usage(keys.byName)) / size,
    all_index_bytes_per_mission: (await usage(keys.all)) / size,
    retention_index_bytes_per_mission: (await usage(keys.finishedIn('COMPLETED'))) / size,
  };
  log(`seeded in ${seedMs} ms; name index ${memory.name_index_bytes_per_mission.toFixed(1)} B/mission, retention index ${memory.retention_index_bytes_per_mission.toFixed(1)} B/mission`);

  started = Date.now();
  const pages = await pageLatencies(server.url);
  for (const p of pages) log(`${p.label.padEnd(28)} p50 ${p.p50.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms`);
  log(`pages timed in ${Date.now() - started} ms`);
  await server.stop();

  // A client of the sweeper's own, not auto-pipelining, so each command is one count.
  const sweepRedis = new Redis(redisServer.url);
  clients.push(sweepRedis);
  const { sweeper, repository } = sweeperOn(sweepRedis, prefix);
  const counted = countCommands(sweepRedis);
  const registry = retentionTenantsKey(prefix);
  const firstFinish = Number((await redis.zrange(keys.finishedIn('COMPLETED'), 0, 0, 'WITHSCORES'))[1]);
  const notYet = firstFinish + AGE_S * 1000 - 1;
  await sweeper.sweep(notYet); // loads the scripts
  await redis.zadd(registry, String(notYet + 10 ** 9), tenantTag(tenant));
  const sweeps = {
    not_due: await sweepCost(sweeper, counted, notYet, 20),
    due_nothing_expired: await (async () => {
      const runs = [];
      for (let i = 0; i < 20; i++) {
        await redis.zadd(registry, '0', tenantTag(tenant));
        runs.push(await sweepCost(sweeper, counted, notYet, 1));
      }
      const ms = summarize(runs.map((r) => r.p50_ms));
      return { sweeps: 20, p50_ms: ms.p50, p99_ms: ms.p99, commands: runs.map((r) => r.commands[0]), deleted: runs.map((r) => r.deleted[0]) };
    })(),
    full_batch: await sweepCost(sweeper, counted, firstFinish + 10 ** 10, 20),
  };
  for (const [label, s] of Object.entries(sweeps)) {
    log(`sweep ${label.padEnd(20)} p50 ${s.p50_ms.toFixed(2)} ms  p99 ${s.p99_ms.toFixed(2)} ms  commands ${Math.min(...s.commands)}–${Math.max(...s.commands)}  deleted/sweep ${Math.max(...s.deleted)}`);
  }
  const stats = await repository.stats(tenant);
  const deleted = sweeps.full_batch.deleted.reduce((a, b) => a + b, 0);
  const consistent = stats.total === size - deleted && (await redis.zcard(keys.all)) === stats.total
    && (await redis.zcard(keys.byName)) === stats.total && (await redis.zcard(keys.finishedIn('COMPLETED'))) === stats.byStatus.COMPLETED;
  log(`after ${deleted} deletions: stats total ${stats.total}, indexes ${consistent ? 'agree' : 'DISAGREE'}`);

  return {
    date: new Date().toISOString(),
    command: args.quick ? 'node bench/search-retention.mjs --quick' : 'npm run bench:search-retention',
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), node: process.version, load_before: loadBefore, load_after: os.loadavg().map((l) => l.toFixed(2)) },
    size, rounds, seed_ms: seedMs, memory, pages, retention: { age_s: AGE_S, batch_size: BATCH, sweeps, consistent },
    duration_seconds: Math.round((Date.now() - began) / 1000),
  };
}

function markdown(r) {
  const f = (n) => n.toFixed(2);
  const range = (list) => (Math.min(...list) === Math.max(...list) ? String(list[0]) : `${Math.min(...list)}–${Math.max(...list)}`);
  return [
    `# Name search and retention at ${r.size.toLocaleString('en-US')} missions in one tenant`,
    '',
    `\`${r.command}\`, ${r.date}, ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}; load ${r.machine.load_before.join(' ')} → ${r.machine.load_after.join(' ')}.`,
    '',
    `| page (${r.rounds} requests each, interleaved) | p50 ms | p99 ms |`, '|---|---|---|',
    ...r.pages.map((p) => `| ${p.label} (\`${p.path}\`) | ${f(p.p50)} | ${f(p.p99)} |`),
    '',
    '| Redis bytes per mission (MEMORY USAGE) | B |', '|---|---|',
    `| name index \`ix:name\` | ${r.memory.name_index_bytes_per_mission.toFixed(1)} |`,
    `| retention index \`ix:f:COMPLETED\` | ${r.memory.retention_index_bytes_per_mission.toFixed(1)} |`,
    `| listing index \`ix:all\`, for comparison | ${r.memory.all_index_bytes_per_mission.toFixed(1)} |`,
    `| everything (INFO delta of the seed) | ${r.memory.info_bytes_per_mission.toFixed(0)} |`,
    '',
    `| sweep (batch ${r.retention.batch_size}) | p50 ms | p99 ms | Redis commands | deleted |`, '|---|---|---|---|---|',
    ...Object.entries(r.retention.sweeps).map(([label, s]) => `| ${label.replaceAll('_', ' ')} | ${f(s.p50_ms)} | ${f(s.p99_ms)} | ${range(s.commands)} | ${range(s.deleted)} |`),
    '',
    `Stats and indexes after the deletions: ${r.retention.consistent ? 'agree' : 'DISAGREE'}.`,
  ].join('\n');
}

try {
  const results = await main();
  const base = at(`./results/${results.date.slice(0, 10)}-search-retention${args.quick ? '-quick' : ''}`);
  mkdirSync(at('./results'), { recursive: true });
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${markdown(results)}\n`);
  console.log(`\n${markdown(results)}\n`);
  log(`done; results in ${base}.json and ${base}.md`);
} catch (error) {
  console.error(`[bench] failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  for (const client of clients) client.disconnect();
  await stopAll();
}
