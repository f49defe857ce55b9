// `npm run bench:import -- [--sizes 100000,1000000] [--batch-size 500]`: throughput of
// `import:seed` (dist/import-seed.js, as a user runs it) from an old-service keyspace of each
// size into an empty tenant, then the time of a second, no-op run. Starts its own redis-server
// (source and target on it, as when migrating in place), seeds the old keyspace the way the old
// service wrote it, prints one JSON line per size and writes bench/results/<date>-import.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { missionBody } from './lib/fixtures.mjs';
import { sampleRss, startRedis, stopAll } from './lib/processes.mjs';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '100000,1000000' }, 'batch-size': { type: 'string', default: '500' } },
});
const sizes = args.sizes.split(',').map(Number);
const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const began = Date.now();
const log = (line) => console.log(`[bench:import ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const OLD_PREFIX = 'brain:missions:';
const STATUSES = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'CANCELLED', 'PENDING', 'COMPLETED', 'COMPLETED', 'FAILED', 'COMPLETED'];

// Python's json.dumps separators, as the old service wrote its log entries.
const pyEntry = (timestamp, level, message, data) =>
  `{"timestamp": ${timestamp}, "level": "${level}", "message": ${JSON.stringify(message)}, "data": ${JSON.stringify(data).replaceAll('":', '": ').replaceAll(',"', ', "')}}`;

/** `count` missions as the old service left them: Pydantic JSON, a 3-entry log, the index set, a drifted stats blob. */
async function seedOldKeyspace(redis, count) {
  const start = Date.now() / 1000 - count;
  const byStatus = { PENDING: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 };
  for (let done = 0; done < count; done += 5000) {
    const pipeline = redis.pipeline();
    const ids = [];
    for (let i = done; i < Math.min(done + 5000, count); i++) {
      const id = `m-${i.toString(36)}-${(i * 7919).toString(16)}`;
      const status = i % 100 === 0 ? 'RUNNING' : STATUSES[i % STATUSES.length];
      const body = missionBody(i);
      const created = start + i + 0.123456;
      byStatus[status] += 1;
      ids.push(id);
      pipeline.set(`${OLD_PREFIX}mission:${id}`, JSON.stringify({
        name: body.name, description: body.description, data: body.data, id, status, created_at: created, updated_at: created + 0.5,
      }));
      pipeline.rpush(`${OLD_PREFIX}log:${id}`,
        pyEntry(created, 'info', 'Mission created', { name: body.name, description: body.description }),
        pyEntry(created + 0.1, 'info', 'Mission status changed', { from: 'PENDING', to: 'RUNNING' }),
        pyEntry(created + 0.5, i % 7 === 0 ? 'warn' : 'info', 'Mission status changed', { from: 'RUNNING', to: status }));
    }
    pipeline.sadd(`${OLD_PREFIX}index`, ...ids);
    for (const [error] of await pipeline.exec()) if (error) throw error;
  }
  await redis.set(`${OLD_PREFIX}stats`, JSON.stringify({ total: count + 3, by_status: byStatus, last_updated: Date.now() / 1000 }).replaceAll('":', '": ').replaceAll(',"', ', "'));
}

/** One run of the built importer; resolves with its wall time, peak RSS and JSON report. */
function runImporter(redisUrl, tenant) {
  const startedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, [at('../dist/import-seed.js'), '--from', redisUrl, '--tenant', tenant, '--batch-size', args['batch-size'], '--json'], {
    env: { ...process.env, REDIS_URL: redisUrl, MISSIONS_KEY_PREFIX: 'missions:' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const peakRss = sampleRss(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => child.once('exit', (code) => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    if (code !== 0) reject(new Error(`import:seed exited ${code}: ${stderr}`));
    else resolve({ seconds, peakRssMb: Math.round(peakRss() / 2 ** 20), report: JSON.parse(stdout) });
  }));
}

async function main() {
  const loadBefore = os.loadavg().map((l) => l.toFixed(2));
  const server = await startRedis();
  const redis = new Redis(server.url);
  log(`redis-server on ${server.url}; sizes ${sizes.join(', ')}; batch size ${args['batch-size']}`);
  const results = [];
  try {
    for (const size of sizes) {
      // Our own throwaway server: emptied between sizes so each starts from the same state.
      await redis.flushdb();
      const seeding = Date.now();
      await seedOldKeyspace(redis, size);
      log(`seeded ${size.toLocaleString('en-US')} old missions in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
      const first = await runImporter(server.url, 'bench');
      const { imported, alreadyPresent, countsAgree } = first.report.target;
      if (imported !== size || !countsAgree) throw new Error(`first run imported ${imported} of ${size} (counts agree: ${countsAgree})`);
      const second = await runImporter(server.url, 'bench');
      if (second.report.target.imported !== 0 || second.report.target.alreadyPresent !== size) throw new Error('second run was not a no-op');
      const memory = await redis.info('memory');
      // Wall time includes starting Node and loading the library; the report's elapsedMs is the import alone.
      const importSeconds = first.report.elapsedMs / 1000;
      const row = {
        source_missions: size,
        first_run_wall_s: Number(first.seconds.toFixed(2)),
        first_run_import_s: Number(importSeconds.toFixed(2)),
        missions_per_s: Math.round(size / importSeconds),
        first_run_peak_rss_mb: first.peakRssMb,
        second_run_noop_wall_s: Number(second.seconds.toFixed(2)),
        second_run_noop_import_s: Number((second.report.elapsedMs / 1000).toFixed(2)),
        redis_used_memory_mb: Math.round(Number(/used_memory:(\d+)/.exec(memory)[1]) / 2 ** 20),
      };
      results.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await redis.quit();
    await stopAll();
  }
  const out = {
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, load_before: loadBefore, load_after: os.loadavg().map((l) => l.toFixed(2)),
    batch_size: Number(args['batch-size']), results,
  };
  mkdirSync(at('./results'), { recursive: true });
  const file = at(`./results/${out.date.slice(0, 10)}-import.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${file}`);
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
