// Turns a run's results into the targets verdicts and the Markdown tables printed at the end
// (and pasted into BENCHMARKS.md).
export const ROUTES = ['create', 'get', 'list', 'status', 'log'];
const ROUTE_NAMES = { create: 'create', get: 'get', list: 'list page (100)', status: 'status change', log: 'log append' };
// The issue's floors for the shipped default against the bare server on the same Node.
const FLOORS = { create: 0.6, get: 0.6, status: 0.5, log: 0.5 };

const num = (n, digits = 0) => (n === undefined || n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a, b) => (a && b ? a / b : null);
const x = (r) => (r === null ? '—' : `${r >= 10 ? num(r, 0) : num(r, 2)}×`);
const ms = (m) => (m === undefined ? '—' : m < 10 ? num(m, 2) : num(m, 0));

/** The project's servers and the bare one on the same Node: `fastify` → `bare`, `fastify-n24` → `bare-n24`. */
const bareOf = (label) => label.replace(/^(fastify|express)/, 'bare');
const projectServers = (servers) => servers.filter((s) => /^(fastify|express)/.test(s));

function routeTable({ routes, servers }) {
  const projects = projectServers(servers);
  const head = ['route', ...servers.map((s) => `${s} req/s (p50/p99 ms)`), ...projects.map((s) => `${s}/${bareOf(s)}`), 'fastify/old'];
  const rows = ROUTES.filter((r) => routes[r]).map((r) => {
    const by = routes[r];
    const cell = (s) => (by[s] ? `${num(by[s].rps)} (${ms(by[s].p50)}/${ms(by[s].p99)})${by[s].non2xx || by[s].errors ? ' ⚠' : ''}` : '—');
    return [ROUTE_NAMES[r], ...servers.map(cell), ...projects.map((s) => x(ratio(by[s]?.rps, by[bareOf(s)]?.rps))), x(ratio(by.fastify?.rps, by.old?.rps))];
  });
  return table(head, rows);
}

/** CPU per request: bare's over the project server's, the ratio throughput would show on an idle machine. */
function cpuTable({ routes, servers }) {
  const projects = projectServers(servers);
  const head = ['route', ...servers.map((s) => `${s} µs`), ...projects.map((s) => `${bareOf(s)}/${s}`)];
  const rows = ROUTES.filter((r) => routes[r]).map((r) => {
    const by = routes[r];
    return [ROUTE_NAMES[r], ...servers.map((s) => num(by[s]?.cpu_us_per_request)),
      ...projects.map((s) => x(ratio(by[bareOf(s)]?.cpu_us_per_request, by[s]?.cpu_us_per_request)))];
  });
  return table(head, rows);
}

function scaleCell(m) {
  if (!m) return '—';
  if (m.exceeded) return `> ${num(m.boundMs / 1000, 0)} s`;
  return `${ms(m.p50)} / ${ms(m.p99)}`;
}

function scaleTable({ scale }) {
  const head = ['missions', 'list fastify', 'list express', 'list old', 'old/fastify', 'search fastify', 'stats fastify', 'stats old',
    'Redis B/mission project', 'Redis B/mission old'];
  const rows = scale.map((s) => [num(s.size), scaleCell(s.list.fastify), scaleCell(s.list.express), scaleCell(s.list.old),
    s.list.old.exceeded ? `> ${num(s.list.old.boundMs / s.list.fastify.p50)}×` : x(ratio(s.list.old.p50, s.list.fastify.p50)),
    scaleCell(s.search?.fastify), scaleCell(s.stats.fastify), scaleCell(s.stats.old),
    num(s.memory.project_bytes_per_mission), num(s.memory.old_bytes_per_mission)]);
  return table(head, rows);
}

function proxyTable({ proxy }) {
  const rows = Object.entries(proxy.routes).map(([route, by]) => [
    route.replace(/^list_(\d+)$/, (_, n) => `list page at ${num(Number(n))}`),
    scaleCell(by.project), scaleCell(by.old), `${by.old.exceeded ? '> ' : ''}${x(by.old_over_project)}`,
  ]);
  return table(['route', 'service p50 / p99 ms', 'old pattern p50 / p99 ms', 'old/service (p50)'], rows);
}

function memoryTable({ memory }) {
  const row = (label, m) => [label, num(m.json_bytes), num(m.info_bytes_per_mission), num(m.per_mission_total),
    Object.entries(m.per_mission).map(([k, v]) => `${k} ${num(v)}`).join(', '), x(m.info_bytes_per_mission / m.json_bytes)];
  return table(['layout', 'JSON B', 'INFO delta B/mission', 'MEMORY USAGE B/mission', 'breakdown (B)', 'vs JSON'], [
    row(`project (hash ${memory.project.hash_encoding})`, memory.project),
    row(`project, hash-max-listpack-value ${memory.tuned.listpack_value} (hash ${memory.tuned.hash_encoding})`, memory.tuned),
    row('old pattern', memory.old),
  ]);
}

/** The issue's targets, each with the measured figure and whether it is met. */
export function verdicts(results) {
  const { routes, scale, memory, proxy, servers, rss } = results;
  const out = [];
  const add = (target, value, met, text) => out.push({ target, value, met, text });
  // The shipped default on each Node of the run, against the bare server on that Node.
  for (const s of servers.filter((label) => label.startsWith('fastify'))) {
    for (const [route, floor] of Object.entries(FLOORS)) {
      const r = ratio(routes[route]?.[s]?.rps, routes[route]?.[bareOf(s)]?.rps);
      const c = ratio(routes[route]?.[bareOf(s)]?.cpu_us_per_request, routes[route]?.[s]?.cpu_us_per_request);
      add(`${route} (${s}) ≥ ${floor} × ${bareOf(s)}: req/s; CPU per request`, r, r !== null && r >= floor, `${x(r)}; ${x(c)}`);
    }
    const peak = rss[s];
    add(`service RSS under load (${s}) ≤ 150 MiB`, peak, peak <= 150 * 2 ** 20, `${num(peak / 2 ** 20)} MiB`);
  }
  if (proxy) {
    const create = proxy.routes.create.old_over_project;
    add(`create over a ${proxy.delay_ms} ms-each-way link ≥ 3 × faster than the old pattern (p50)`, create, create >= 3, x(create));
    const list = proxy.routes.list_100000;
    if (list) add(`list page at 100k over the link ≥ 100 × faster than the old pattern (p50)`, list.old_over_project, list.old_over_project >= 100, `${list.old.exceeded ? '> ' : ''}${x(list.old_over_project)}`);
  }
  const s100k = scale.find((s) => s.size === 100_000);
  if (s100k) {
    const old = s100k.list.old;
    const r = old.exceeded ? old.boundMs / s100k.list.fastify.p50 : old.p50 / s100k.list.fastify.p50;
    add('list page at 100k ≥ 100 × faster than old pattern (loopback, p50)', r, r >= 100, `${old.exceeded ? '> ' : ''}${x(r)}`);
  }
  const first = scale[0];
  const last = scale[scale.length - 1];
  if (first && last && last !== first) {
    const g = last.list.fastify.p50 / first.list.fastify.p50;
    add(`list latency growth ${num(first.size)} → ${num(last.size)} ≤ 1.2× (fastify, p50)`, g, g <= 1.2, x(g));
  }
  const b = memory.project.info_bytes_per_mission / memory.project.json_bytes;
  add('Redis bytes per mission ≤ 2.5 × JSON (default Redis config)', b, b <= 2.5, `${x(b)} (${num(memory.project.info_bytes_per_mission)} B vs ${num(memory.project.json_bytes)} B)`);
  return out;
}

function verdictTable(list) {
  return table(['target', 'measured', 'met'], list.map((v) => [v.target, v.text, v.met ? 'yes' : '**no**']));
}

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function markdown(results) {
  const { machine, settings } = results;
  const nodes = machine.node24 ? `node ${machine.node} and ${machine.node24} (servers suffixed ${machine.node24_suffix})` : `node ${machine.node}`;
  return [
    `Run ${results.date} (${settings.profile}): ${machine.cpus} × ${machine.cpu}, ${num(machine.memory_gb, 0)} GB, ${nodes}, redis ${machine.redis}, ` +
      `autocannon ${machine.autocannon}; service run as \`node ${(machine.service_flags ?? []).join(' ')} dist/main.js\`; load average ${machine.load_before.join(' ')} before, ${machine.load_after.join(' ')} after.`,
    `Each route: ${settings.warm_seconds} s warm-up, then ${settings.seconds} s measured per server in ${settings.rounds} rounds with the servers rotated, ` +
      `${settings.connections} connections (p50/p99: median of the rounds); list tenant of ${num(settings.list_size)} missions.`,
    '',
    '### Routes',
    routeTable(results),
    '',
    '### CPU per request (the server process, all threads, µs; ratio = bare / project: throughput on an idle machine)',
    cpuTable(results),
    '',
    '### Scale (one request at a time; p50 / p99 ms)',
    scaleTable(results),
    '',
    `### Redis behind a ${results.proxy.delay_ms} ms-each-way proxy (one request at a time, ${settings.proxy_rounds} rounds; p50 / p99 ms)`,
    proxyTable(results),
    '',
    '### Memory per mission',
    memoryTable(results),
    '',
    `Service RSS, peak under load: ${Object.entries(results.rss).map(([s, b]) => `${s} ${num(b / 2 ** 20)} MiB`).join(', ')}.`,
    '',
    '### Targets',
    verdictTable(results.verdicts),
  ].join('\n');
}
