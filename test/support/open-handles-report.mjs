// Jest globalTeardown. The suite runs in band on two cores, so anything a spec (or the code it
// drives) leaves open — a socket to a Redis, a child process, a server, a timer — keeps the test
// process alive after the run. CI passes --forceExit so such a leak cannot hang it; this report
// says what was left, so the leak is found and fixed rather than hidden.
import { setTimeout as sleep } from 'node:timers/promises';

const GRACE_MS = 2000;

function describe(handle) {
  const kind = handle?.constructor?.name ?? typeof handle;
  if (kind === 'Socket' || kind === 'TLSSocket') {
    if (handle === process.stdout || handle === process.stderr || handle === process.stdin) return null;
    if (!handle.remoteAddress) return handle._handle?.constructor?.name === 'Pipe' ? null : `${kind} (unconnected)`;
    return `${kind} to ${handle.remoteAddress}:${handle.remotePort}`;
  }
  if (kind === 'ChildProcess') return `child process ${handle.pid} (${handle.spawnargs?.join(' ').slice(0, 160)})`;
  if (kind === 'Server') return `server on ${JSON.stringify(handle.address?.())}`;
  return kind;
}

function openNow() {
  const handles = (process._getActiveHandles?.() ?? []).map(describe).filter(Boolean);
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  return { handles, timers, any: handles.length > 0 || timers > 0 };
}

export default async function reportOpenHandles() {
  // A clean run pays nothing; otherwise clients closed in the last afterAll may still be
  // finishing their goodbye, so look again after a grace.
  if (!openNow().any) return;
  await sleep(GRACE_MS);
  const { handles, timers, any } = openNow();
  if (!any) return;
  console.error(`[open-handles] ${GRACE_MS} ms after the run: ${handles.length} handle(s), ${timers} timer(s) still open`);
  for (const line of handles) console.error(`[open-handles]   ${line}`);
}
