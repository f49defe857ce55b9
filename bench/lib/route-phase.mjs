// Phase 1: every route on every server, one load generator at a time, servers interleaved per
// route (and their order rotated) so that the machine's noise falls on all of them alike.
import { LOG_BODY, bearerFor, missionBody } from './fixtures.mjs';
import { hammer } from './load.mjs';
import { ROUTES } from './report.mjs';
import { cpuMsOf, sampleRss } from './processes.mjs';

const cycle = (ids) => {
  let i = 0;
  return () => ids[i++ % ids.length];
};

/**
 * `datasets[server.label]` = { listIds, seedPool(tenant, n) }: the list tenant's ids, and a
 * seeder of PENDING missions for the status route, each of which is moved once.
 */
export async function routePhase(servers, datasets, settings, log) {
  const routes = Object.fromEntries(ROUTES.map((r) => [r, {}]));
  const rssPeak = {};
  const listAuth = bearerFor('list');
  const load = { connections: settings.connections };
  for (const [r, route] of ROUTES.entries()) {
    const specs = {};
    const rounds = Object.fromEntries(servers.map((s) => [s.label, []]));
    for (const server of rotate(servers, r)) {
      const { listIds, seedPool } = datasets[server.label];
      specs[server.label] = await routeSpec(route, server, { listIds, seedPool, listAuth, settings, createRps: routes.create[server.label]?.rps });
      await hammer(server, specs[server.label], { ...load, seconds: settings.warm_seconds });
    }
    // Short rounds, servers rotated each time: a change in the machine's load mid-route
    // falls on every server rather than on whichever one was running then.
    for (let round = 0; round < settings.rounds; round++) {
      for (const server of rotate(servers, r + round)) {
        const stopRss = sampleRss(server.pid);
        const cpuBefore = cpuMsOf(server.pid);
        const round = await hammer(server, specs[server.label], { ...load, seconds: settings.seconds / settings.rounds });
        round.cpuMs = cpuMsOf(server.pid) - cpuBefore;
        rounds[server.label].push(round);
        rssPeak[server.label] = Math.max(rssPeak[server.label] ?? 0, stopRss());
      }
    }
    for (const server of servers) {
      const result = combine(rounds[server.label], settings.seconds);
      const spec = specs[server.label];
      if (spec.poolSize !== undefined) Object.assign(result, { pool: spec.poolSize, pool_exhausted: spec.used() > spec.poolSize });
      routes[route][server.label] = result;
      const flags = `${result.non2xx ? ` non-2xx ${result.non2xx}` : ''}${result.errors ? ` errors ${result.errors}` : ''}${result.pool_exhausted ? ' POOL EXHAUSTED' : ''}`;
      log(`${route.padEnd(6)} ${server.label.padEnd(7)} ${Math.round(result.rps).toString().padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ${Math.round(result.cpu_us_per_request)} µs CPU/req${flags}`);
    }
  }
  return { routes, rssPeak };
}

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Requests/s over all rounds; latency percentiles as the median of the rounds' own. */
function combine(rounds, seconds) {
  const sum = (key) => rounds.reduce((total, r) => total + r[key], 0);
  return {
    rps: sum('requests') / seconds,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    requests: sum('requests'), non2xx: sum('non2xx'), errors: sum('errors'),
    rounds_rps: rounds.map((r) => r.rps),
    // The server process's own CPU (all threads) per request answered.
    cpu_us_per_request: (sum('cpuMs') * 1000) / Math.max(1, sum('requests')),
  };
}

async function routeSpec(route, server, { listIds, seedPool, listAuth, settings, createRps }) {
  const base = '/api/missions';
  switch (route) {
    case 'create':
      return { method: 'POST', path: base, body: missionBody(0), authorization: bearerFor('write') };
    case 'get': {
      const next = cycle(listIds);
      return { method: 'GET', path: `${base}/${listIds[0]}`, next: () => `${base}/${next()}`, authorization: listAuth };
    }
    case 'list':
      return { method: 'GET', path: `${base}?limit=100`, authorization: listAuth };
    case 'log': {
      const next = cycle(listIds);
      return { method: 'POST', path: `${base}/${listIds[0]}/log`, next: () => `${base}/${next()}/log`, body: LOG_BODY, authorization: listAuth };
    }
    case 'status': {
      // Every request moves a fresh PENDING mission to CANCELLED: a real, logged change each time.
      const seconds = settings.warm_seconds + settings.seconds;
      const poolSize = Math.min(settings.max_pool, Math.max(2000, Math.ceil((createRps ?? 3000) * seconds * 2.5)));
      const tenant = `pool-${server.label}`;
      const ids = await seedPool(tenant, poolSize);
      let used = 0;
      const path = () => `${base}/${ids[used++ % ids.length]}/status?mission_status=CANCELLED`;
      return { method: 'POST', path: path(), next: path, authorization: bearerFor(tenant), poolSize, used: () => used };
    }
  }
  throw new Error(`unknown route ${route}`);
}
