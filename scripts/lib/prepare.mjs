// Shared by `npm start` and `npm test`: make a fresh clone runnable with only Node and
// redis-server installed. Uses Node built-ins only, since node_modules may not exist yet.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `npm ci` when node_modules is missing or does not match the lockfile. Compares npm's own
 * record of what is installed (node_modules/.package-lock.json) with the lockfile, not
 * mtimes: a fresh checkout touches every file, and `npm ci` deletes node_modules first.
 */
export function ensureDependencies() {
  const installed = `${root}node_modules/.package-lock.json`;
  if (existsSync(installed) && sameVersions(readJson(installed), readJson(`${root}package-lock.json`))) return;
  console.error('[prepare] installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/**
 * `npm run build` when the library's (dashboard included) or the service's compiled output is missing
 * or older than a source: the multi-process specs run dist/main.js, which loads the library from its package.
 */
export function ensureBuilt() {
  const outputs = [`${root}dist/main.js`, `${root}libs/missions/dist/index.js`, `${root}libs/missions/dist/ui/index.html`];
  const built = Math.min(...outputs.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)));
  const sources = Math.max(
    newestMs(`${root}src`), newestMs(`${root}libs/missions/src`), newestMs(`${root}libs/missions/ui`), statSync(`${root}package.json`).mtimeMs,
  );
  if (built >= sources) return;
  console.error('[prepare] building the library and the service (sources newer than dist/)…');
  run('npm', ['run', '-s', 'build']);
}

function newestMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function sameVersions(installed, lock) {
  const wanted = Object.entries(lock.packages ?? {}).filter(([path]) => path !== '');
  return wanted.every(([path, meta]) => meta.optional || installed.packages?.[path]?.version === meta.version);
}

export function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Resolves true when something at host:port answers PING with PONG. */
export function redisAnswers(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * With REDIS_URL and REDIS_CLUSTER_NODES unset and nothing on 127.0.0.1:6379, starts a throwaway redis-server
 * (no persistence) as a child that dies with this process. Returns the child, or null.
 */
export async function ensureLocalRedis() {
  if (process.env.REDIS_URL || process.env.REDIS_CLUSTER_NODES || (await redisAnswers('127.0.0.1', 6379))) return null;
  const dir = `${root}.redis-dev`;
  mkdirSync(dir, { recursive: true });
  console.error('[prepare] no Redis on 127.0.0.1:6379: starting a local redis-server (no persistence)…');
  const child = spawn('redis-server', ['--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('error', (error) => {
    console.error(`[prepare] could not start redis-server (${error.message}); install it or set REDIS_URL.`);
    process.exit(1);
  });
  for (let i = 0; i < 50 && !(await redisAnswers('127.0.0.1', 6379)); i++) await new Promise((r) => setTimeout(r, 100));
  const stop = () => child.kill('SIGTERM');
  process.on('exit', stop);
  return child;
}
