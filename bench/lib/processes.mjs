// Child processes of a bench run: its own redis-server and the HTTP servers under test.
// Everything started here is stopped by stopAll(), also when the run fails.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { redisAnswers } from '../../scripts/lib/prepare.mjs';

const children = new Set();

function track(child, label) {
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  child.once('exit', () => children.delete(child));
  child.describeFailure = () => `${label} exited (code ${child.exitCode}): ${stderr.trim()}`;
  return child;
}

async function waitUntil(child, probe, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(child.describeFailure());
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

/** A throwaway redis-server: no persistence, loopback only, so INFO memory deltas are ours alone. */
export async function startRedis() {
  const port = await freePort();
  const child = track(spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp',
  ], { stdio: ['ignore', 'ignore', 'pipe'] }), 'redis-server');
  const probe = () => redisAnswers('127.0.0.1', port);
  await waitUntil(child, probe, 'redis-server');
  return { port, url: `redis://127.0.0.1:${port}`, pid: child.pid };
}

/** Starts `node <script>` (or `node` = another Node binary) with `env`, resolves once GET <healthPath> answers 200. */
export async function startHttpServer(label, script, env, { healthPath = '/api/missions/health', node = process.execPath, flags = [] } = {}) {
  const port = await freePort();
  const child = track(spawn(node, [...flags, script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  }), label);
  const probe = async () => (await fetch(`http://127.0.0.1:${port}${healthPath}`)).status === 200;
  // Generous: Nest boots in seconds, but this machine is shared and often loaded.
  await waitUntil(child, probe, label, 90_000);
  return { label, port, pid: child.pid, url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** The latency proxy (latency-proxy.mjs) in front of `target` (host:port), in its own process. */
export async function startLatencyProxy(target, delayMs) {
  const port = await freePort();
  const script = new URL('./latency-proxy.mjs', import.meta.url).pathname;
  const child = track(spawn(process.execPath, [script, String(port), target, String(delayMs)], { stdio: ['ignore', 'ignore', 'pipe'] }), 'latency proxy');
  await waitUntil(child, () => redisAnswers('127.0.0.1', port), 'latency proxy');
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** `node --version` of a Node binary, e.g. "v24.22.3". */
export function nodeVersionOf(node) {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}

function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

export async function stopAll() {
  await Promise.all([...children].map(stopChild));
}

/** Resident set size of a process in bytes (Linux), or null where /proc is not available. */
export function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, all its threads (GC included), in ms (Linux), or null.
 * What a request costs in CPU barely depends on how many other processes share the machine,
 * unlike requests/s.
 */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen. */
export function sampleRss(pid, everyMs = 200) {
  let peak = rssOf(pid) ?? 0;
  const timer = setInterval(() => { peak = Math.max(peak, rssOf(pid) ?? 0); }, everyMs);
  return () => { clearInterval(timer); return Math.max(peak, rssOf(pid) ?? 0); };
}
