// Phase 4: Redis behind the latency proxy (`delayMs` each way), one request at a time on one
// connection: where round trips cost, as on a real network. The service (Fastify, the shipped
// default) and the old pattern each get a server of their own pointed at the proxy, on the same
// Redis and tenants as the other phases; samples are interleaved so noise falls on both alike.
import { bearerFor, missionBody } from './fixtures.mjs';
import { summarize, timeOne, timeSequential } from './load.mjs';
import { startHttpServer, startLatencyProxy } from './processes.mjs';

const ratio = (old, project) => (old && project ? old.p50 / project.p50 : null);

export async function proxyPhase({ redisServer, prefix, oldPrefix, service, oldServer, listIds, oldListIds }, settings, log) {
  const delayMs = settings.proxy_delay_ms;
  const proxy = await startLatencyProxy(`127.0.0.1:${redisServer.port}`, delayMs);
  const project = await startHttpServer('fastify-proxied', service.script, { ...service.env, REDIS_URL: proxy.url, MISSIONS_KEY_PREFIX: prefix }, { node: service.node, flags: service.flags });
  const old = await startHttpServer('old-proxied', oldServer.script, { ...oldServer.env, REDIS_URL: proxy.url, MISSIONS_KEY_PREFIX: oldPrefix });
  log(`proxy: Redis behind a ${delayMs} ms-each-way proxy on :${proxy.port}; service :${project.port}, old :${old.port}`);
  try {
    const write = bearerFor('proxy');
    const read = bearerFor('list');
    const sizes = settings.scale_sizes.filter((n) => n <= 100_000);
    const probes = [
      ['create', 'project', () => timeOne(`${project.url}/api/missions`, write, missionBody(1))],
      ['create', 'old', () => timeOne(`${old.url}/api/missions`, write, missionBody(1))],
      ['get', 'project', (i) => timeOne(`${project.url}/api/missions/${listIds[i % listIds.length]}`, read)],
      ['get', 'old', (i) => timeOne(`${old.url}/api/missions/${oldListIds[i % oldListIds.length]}`, read)],
      ...sizes.map((size) => [`list_${size}`, 'project', () => timeOne(`${project.url}/api/missions?limit=100`, bearerFor(`scale-${size}`))]),
    ];
    const samples = probes.map(() => []);
    for (let round = 0; round < settings.proxy_rounds; round++) {
      for (const [i, [, , probe]] of probes.entries()) samples[i].push(await probe(round));
    }
    const result = { delay_ms: delayMs, routes: {} };
    for (const [i, [route, server]] of probes.entries()) (result.routes[route] ??= {})[server] = summarize(samples[i]);
    // The old list reads every mission: a few bounded samples per size.
    for (const size of sizes) {
      const bound = settings.old_list_bound_ms;
      result.routes[`list_${size}`].old = {
        ...(await timeSequential(`${old.url}/api/missions?limit=100`, bearerFor(`scale-${size}`), { maxSamples: 3, budgetMs: bound, timeoutMs: bound * 3 })),
        boundMs: bound,
      };
    }
    for (const [route, by] of Object.entries(result.routes)) {
      by.old_over_project = by.old.exceeded ? by.old.boundMs / by.project.p50 : ratio(by.old, by.project);
      const oldText = by.old.exceeded ? `> ${by.old.boundMs} ms` : `${by.old.p50.toFixed(2)} ms`;
      log(`proxy ${route.padEnd(12)} p50 service ${by.project.p50.toFixed(2)} ms, old ${oldText}: ${by.old_over_project.toFixed(1)}×`);
    }
    return result;
  } finally {
    await Promise.all([project.stop(), old.stop(), proxy.stop()]);
  }
}
