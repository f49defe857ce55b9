// The library as a stranger gets it (CI step, or `npm run test:outside`): packs libs/missions,
// installs the tarball into two Nest apps created in a temp dir outside the repository
// (test/outside-host/*: their own package.json and @nestjs/* versions), type-checks them with
// `tsc --strict` against the shipped declarations, boots them and drives missions to COMPLETED:
//   queue-host    ESM, host auth with its own guard, BullMQ with a separate worker process, HTTP
//   service-host  CommonJS (require(esm)), MissionsService only (routes: false), in-process,
//                 no bullmq or passport installed
// and checks each tree: one @nestjs/core, none of the standalone service's packages.
// Usage: node scripts/outside-host.mjs [--node /path/to/other/node …] [--keep]
// Hosts run on this Node and on every --node given. Prints "outside-host: PASS" or exits 1.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ensureBuilt, root } from './lib/prepare.mjs';
import { freePort } from './lib/ports.mjs';

const args = process.argv.slice(2);
const nodes = [process.execPath, ...args.flatMap((arg, i) => (arg === '--node' ? [args[i + 1]] : []))];
const keep = args.includes('--keep');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICE_ONLY = ['pino', 'nestjs-pino', 'pino-http', 'helmet', 'prom-client', '@nestjs/terminus', '@nestjs/platform-fastify', 'fastify'];
const OPTIONAL_PEERS = ['bullmq', 'passport', 'passport-jwt', '@nestjs/passport', 'jsonwebtoken'];
const work = mkdtempSync(join(tmpdir(), 'missions-outside-'));
const started = Date.now();
const figures = [];
const failures = [];

const ok = (message) => console.log(`ok ${message}`);
function check(condition, message) {
  if (condition) ok(message);
  else {
    failures.push(message);
    console.log(`not ok ${message}`);
  }
}
const run = (command, argv, cwd) => execFileSync(command, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const runAsync = (command, argv, cwd) => promisify(execFile)(command, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 24 });
const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function pack() {
  ensureBuilt();
  const [tarball] = JSON.parse(run('npm', ['pack', '-w', 'missions', '--ignore-scripts', '--json', '--pack-destination', work], root));
  const files = tarball.files.map((file) => file.path);
  // The library, and the dashboard's built page (dist/ui/: index.html and hashed assets).
  const stray = files.filter((path) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts|lua)|dist\/ui\/(index\.html|assets\/[\w.-]+\.(js|css)))$/.test(path) ||
    /\.spec\.|(^|\/)test\//.test(path));
  check(stray.length === 0, `tarball holds the built library and dashboard only (js, d.ts, lua; dist/ui)${stray.length ? `; also: ${stray.join(', ')}` : ''}`);
  check(files.includes('dist/ui/index.html'), 'tarball holds the dashboard page');
  check(files.some((path) => path.endsWith('.lua')), 'tarball holds the Lua scripts');
  figures.push(`tarball ${tarball.filename}: ${(tarball.size / 1024).toFixed(1)} kB packed, ${(tarball.unpackedSize / 1024).toFixed(1)} kB unpacked, ${tarball.entryCount} files`);
  return join(work, tarball.filename);
}

/** Copies a host out of the repository, installs the tarball into it, type-checks it. */
async function prepareHost(name, tarball) {
  const dir = join(work, name);
  cpSync(join(root, 'test/outside-host', name), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  manifest.dependencies.missions = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  let t0 = Date.now();
  await runAsync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  ok(`${name}: npm install of the tarball (${seconds(t0)})`);
  t0 = Date.now();
  try {
    await runAsync('npx', ['tsc', '-p', 'tsconfig.json'], dir);
    ok(`${name}: tsc --strict (skipLibCheck false) against the shipped declarations (${seconds(t0)})`);
  } catch (error) {
    check(false, `${name}: tsc --strict\n${error.stdout}${error.stderr}`);
  }
  return dir;
}

/** Every installed package of a host's tree: name → paths. */
function installedPackages(dir) {
  const found = new Map();
  const walk = (modules) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((sub) => `${entry}/${sub}`) : [entry];
      for (const name of names) {
        const path = join(modules, name);
        if (!existsSync(join(path, 'package.json'))) continue;
        found.set(name, [...(found.get(name) ?? []), relative(dir, path)]);
        walk(join(path, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return found;
}

function checkTree(name, dir, { withoutOptionalPeers }) {
  const tree = installedPackages(dir);
  check(tree.get('@nestjs/core')?.length === 1, `${name}: exactly one @nestjs/core (${tree.get('@nestjs/core')?.join(', ')})`);
  const service = SERVICE_ONLY.filter((pkg) => tree.has(pkg));
  check(service.length === 0, `${name}: none of the service-only packages${service.length ? `; found ${service.join(', ')}` : ''}`);
  if (withoutOptionalPeers) {
    const peers = OPTIONAL_PEERS.filter((pkg) => tree.has(pkg));
    check(peers.length === 0, `${name}: no optional peer installed${peers.length ? `; found ${peers.join(', ')}` : ''}`);
  }
  // Installed, and not there only for the host's own tools (typescript, @types/node).
  const locked = Object.entries(JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages);
  const production = locked.filter(([path, meta]) => path !== '' && !meta.dev && !meta.devOptional && existsSync(join(dir, path)));
  figures.push(`${name}: ${production.length} packages installed for production (${tree.size} names incl. dev tools)`);
}

/** The declarations a host's compiler reads from the package, following imports from index.d.ts. */
function checkDeclarations(dir) {
  const base = join(dir, 'node_modules/missions/dist');
  const seen = new Set();
  const external = new Set();
  const anys = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    if (/\bany\b/.test(code)) anys.push(relative(base, file));
    for (const [, target] of code.matchAll(/(?:from\s*|import\()\s*['"]([^'"]+)['"]/g)) {
      if (target.startsWith('.')) visit(resolve(dirname(file), target.replace(/\.js$/, '.d.ts')));
      else external.add(target);
    }
  };
  visit(join(base, 'index.d.ts'));
  check(anys.length === 0, `declarations: no \`any\` in the ${seen.size} files index.d.ts reaches${anys.length ? `; in ${anys.join(', ')}` : ''}`);
  const peers = Object.keys(JSON.parse(readFileSync(join(dir, 'node_modules/missions/package.json'), 'utf8')).peerDependencies);
  const optional = [...external].filter((name) => !name.startsWith('node:') && (OPTIONAL_PEERS.includes(name) || !peers.includes(name)));
  check(optional.length === 0, `declarations: import only required peers (${[...external].join(', ')})`);
}

/** A host process; `ready()` waits for its line on stdout. */
function start(node, dir, argv, env, readyLine = '') {
  const child = spawn(node, argv, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
  const ready = async () => {
    for (const t0 = Date.now(); Date.now() - t0 < 30_000; await sleep(50)) {
      if (output.includes(readyLine)) return;
      if (child.exitCode !== null) break;
    }
    throw new Error(`${argv.join(' ')} did not print "${readyLine}":\n${output}`);
  };
  return { child, ready, exited, output: () => output };
}

async function stop(process_) {
  if (process_.child.exitCode === null) process_.child.kill('SIGTERM');
  const { code, signal } = await Promise.race([process_.exited, sleep(15_000).then(() => ({ code: 'timeout' }))]);
  return code === 0 || signal === 'SIGTERM';
}

async function driveQueueHost(node, dir, version) {
  const keyPrefix = `outside:${randomUUID().slice(0, 8)}:`;
  const port = await freePort();
  const env = { REDIS_URL: redisUrl, MISSIONS_KEY_PREFIX: keyPrefix, PORT: String(port) };
  const worker = start(node, dir, ['dist/main.js', 'worker'], env, 'worker ready');
  const api = start(node, dir, ['dist/main.js', 'api'], env, 'api listening');
  const url = `http://127.0.0.1:${port}`;
  const as = { 'x-host-user': 'ada@outside-co', 'content-type': 'application/json' };
  try {
    await Promise.all([worker.ready(), api.ready()]);
    const anonymous = await fetch(`${url}/api/missions`);
    check(anonymous.status === 401, `queue-host on ${version}: the host's own guard answers 401 without its header`);
    const created = await fetch(`${url}/api/missions`, { method: 'POST', headers: as, body: JSON.stringify({ name: 'outside', data: { type: 'outside.echo', message: 'hi' } }) });
    const mission = await created.json();
    check(created.status === 201 && mission.created_by === 'ada' && mission.tenant_id === 'outside-co', `queue-host on ${version}: create → 201 with the host's principal`);
    const executed = await fetch(`${url}/api/missions/${mission.id}/execute`, { method: 'POST', headers: as });
    check(executed.status === 202, `queue-host on ${version}: execute → 202`);
    let status;
    for (const t0 = Date.now(); Date.now() - t0 < 30_000 && !['COMPLETED', 'FAILED'].includes(status); await sleep(100)) {
      status = (await (await fetch(`${url}/api/missions/${mission.id}`, { headers: as })).json()).status;
    }
    check(status === 'COMPLETED', `queue-host on ${version}: mission COMPLETED (was ${status}), routes under the host's global prefix`);
    const { log } = await (await fetch(`${url}/api/missions/${mission.id}/log`, { headers: as })).json();
    const ran = log.find((entry) => entry.message === 'echo ran');
    check(ran?.data?.pid === worker.child.pid, `queue-host on ${version}: the handler ran in the worker process (pid ${ran?.data?.pid}, worker ${worker.child.pid})`);
    const queue = await (await fetch(`${url}/api/host/queue`, { headers: as })).json();
    check(queue?.name === 'missions' && queue.counts.completed >= 1, `queue-host on ${version}: @InjectMissionsQueue() gives the BullMQ queue (${JSON.stringify(queue)})`);
    const events = await (await fetch(`${url}/api/host/events`, { headers: as })).json();
    check(events.includes(`mission.created ${mission.id}`), `queue-host on ${version}: @OnEvent(MissionEventType.Created) heard the create`);
  } catch (error) {
    check(false, `queue-host on ${version}: ${error.stack}\n--- api\n${api.output()}\n--- worker\n${worker.output()}`);
  } finally {
    const stopped = await Promise.all([stop(api), stop(worker)]);
    check(stopped.every(Boolean), `queue-host on ${version}: api and worker stop on SIGTERM`);
    await deleteKeys(keyPrefix);
  }
}

async function driveServiceHost(node, dir, version) {
  const keyPrefix = `outside:${randomUUID().slice(0, 8)}:`;
  const host = start(node, dir, ['dist/main.js'], { REDIS_URL: redisUrl, MISSIONS_KEY_PREFIX: keyPrefix });
  const { code } = await host.exited;
  for (const line of host.output().split('\n').filter((text) => /^(ok|FAIL) /.test(text))) console.log(`${line.replace(/^(ok|FAIL) /, '$1 ')} (${version})`);
  check(code === 0, `service-host on ${version}: exits 0${code === 0 ? '' : `\n${host.output()}`}`);
  await deleteKeys(keyPrefix);
}

async function deleteKeys(prefix) {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    if ((cursor = next) === '0') break;
  }
  await redis.quit();
}

try {
  console.log(`outside-host: working in ${work}`);
  const tarball = pack();
  // Side by side: both are mostly waiting on npm's cache and tsc's reading of declarations.
  const [queueHost, serviceHost] = await Promise.all([prepareHost('queue-host', tarball), prepareHost('service-host', tarball)]);
  checkDeclarations(queueHost);
  checkTree('queue-host', queueHost, { withoutOptionalPeers: false });
  checkTree('service-host', serviceHost, { withoutOptionalPeers: true });
  for (const node of nodes) {
    const version = run(node, ['--version']).trim();
    await driveQueueHost(node, queueHost, `node ${version}`);
    await driveServiceHost(node, serviceHost, `node ${version}`);
  }
} catch (error) {
  check(false, `outside-host: ${error.stack}${error.stdout ?? ''}${error.stderr ?? ''}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
for (const figure of figures) console.log(`figure: ${figure}`);
console.log(`outside-host: ${failures.length === 0 ? 'PASS' : `FAIL (${failures.length})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failures.length === 0 ? 0 : 1);
