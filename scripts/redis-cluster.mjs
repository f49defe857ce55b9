// `npm run redis:cluster -- start|stop|status [--dir DIR] [--masters N]`: a throwaway local
// Redis Cluster (N masters, no replicas, no persistence) on free loopback ports, for the
// cluster pass of the test suite. `start` prints `REDIS_CLUSTER_NODES=host:port,…` on stdout
// (everything else goes to stderr) and writes DIR/cluster.json; `stop` reads it back.
// Uses Node built-ins only. test/support/local-redis-cluster.ts imports start/stop too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './lib/ports.mjs';

const HOST = '127.0.0.1';
const STATE_FILE = 'cluster.json';
export const DEFAULT_CLUSTER_DIR = join(tmpdir(), 'missions-redis-cluster');

function cli(port, ...args) {
  const result = spawnSync('redis-cli', ['-h', HOST, '-p', String(port), ...args], { encoding: 'utf8' });
  if (result.error) throw new Error(`redis-cli: ${result.error.message}`);
  return { ok: result.status === 0, out: `${result.stdout}${result.stderr}` };
}

async function until(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts `masters` cluster-enabled redis-servers (daemonized, so they outlive this process),
 * forms the cluster and waits for cluster_state:ok on every node. `cluster-require-full-coverage
 * no` keeps the other masters serving when one is down, which is what partial availability needs.
 */
export async function startCluster({ dir = mkdtempSync(join(tmpdir(), 'missions-cluster-')), masters = 3 } = {}) {
  mkdirSync(dir, { recursive: true });
  const ports = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort(HOST));
  for (const port of ports) {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir, { recursive: true });
    const started = spawnSync('redis-server', [
      '--port', String(port), '--bind', HOST, '--dir', nodeDir, '--daemonize', 'yes',
      '--pidfile', join(nodeDir, 'redis.pid'), '--logfile', join(nodeDir, 'redis.log'),
      '--cluster-enabled', 'yes', '--cluster-config-file', join(nodeDir, 'nodes.conf'),
      '--cluster-node-timeout', '2000', '--cluster-require-full-coverage', 'no',
      '--save', '', '--appendonly', 'no',
    ], { encoding: 'utf8' });
    if (started.error || started.status !== 0) throw new Error(`redis-server on ${port}: ${started.error?.message ?? started.stderr}`);
  }
  const state = { dir, host: HOST, ports };
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(state));
  await until('redis-servers answering', () => ports.every((port) => cli(port, 'ping').out.includes('PONG')), 10_000);
  const created = cli(ports[0], '--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', '0', '--cluster-yes');
  if (!created.ok) throw new Error(`redis-cli --cluster create failed:\n${created.out}`);
  await until('cluster_state:ok', () => ports.every((port) => cli(port, 'cluster', 'info').out.includes('cluster_state:ok')), 20_000);
  return { ...state, nodes: ports.map((port) => `${HOST}:${port}`).join(',') };
}

/** Stops the master on `port` the way a crash would look to clients (no save, connections dropped). */
export function stopNode(dir, port) {
  const pidFile = join(dir, String(port), 'redis.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return false;
  }
  rmSync(pidFile, { force: true });
  return true;
}

/** Stops every node of the cluster in `dir` and removes the directory. */
export function stopCluster(dir) {
  const stateFile = join(dir, STATE_FILE);
  if (!existsSync(stateFile)) return false;
  const { ports } = JSON.parse(readFileSync(stateFile, 'utf8'));
  for (const port of ports) stopNode(dir, port);
  rmSync(dir, { recursive: true, force: true });
  return true;
}

async function main() {
  const [command = 'start', ...rest] = process.argv.slice(2);
  const flag = (name) => {
    const at = rest.indexOf(name);
    return at === -1 ? undefined : rest[at + 1];
  };
  const dir = flag('--dir') ?? DEFAULT_CLUSTER_DIR;
  if (command === 'start') {
    if (existsSync(join(dir, STATE_FILE))) stopCluster(dir);
    const cluster = await startCluster({ dir, masters: Number(flag('--masters') ?? 3) });
    console.error(`[redis-cluster] ${cluster.ports.length} masters on ${cluster.nodes}, cluster_state:ok; state in ${dir}/${STATE_FILE}`);
    console.log(`REDIS_CLUSTER_NODES=${cluster.nodes}`);
  } else if (command === 'stop') {
    console.error(stopCluster(dir) ? `[redis-cluster] stopped the cluster in ${dir}` : `[redis-cluster] no cluster in ${dir}`);
  } else if (command === 'status') {
    const stateFile = join(dir, STATE_FILE);
    if (!existsSync(stateFile)) return console.error(`[redis-cluster] no cluster in ${dir}`);
    const { ports } = JSON.parse(readFileSync(stateFile, 'utf8'));
    for (const port of ports) console.log(`${HOST}:${port} ${cli(port, 'cluster', 'info').out.split('\n')[0].trim() || 'down'}`);
  } else {
    console.error('usage: npm run redis:cluster -- start|stop|status [--dir DIR] [--masters N]');
    process.exit(2);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[redis-cluster] ${error.message}`);
    process.exit(1);
  });
}
