// Turns a run's results into the targets verdicts and the Markdown tables printed at the end
// (and pasted into BENCHMARKS.md).
export const ROUTES = ['create', 'get', 'list', 'status', 'log'];
const ROUTE_NAMES = { create: 'create', get: 'get', list: 'list page (100)', status: 'status change', log: 'log append' };

const num = (n, digits = 0) => (n === undefined || n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a, b) => (a && b ? a / b : null);
const x = (r) => (r === null ? '—' : `${r >= 10 ? num(r, 0) : num(r, 2)}×`);
const ms = (m) => (m === undefined ? '—' : m < 10 ? num(m, 2) : num(m, 0));

function routeTable({ routes }, projectServers) {
  const head = ['route', ...['express', 'fastify', 'bare', 'old'].map((s) => `${s} req/s (p50/p99 ms)`),
    ...projectServers.flatMap((s) => [`${s}/bare`, `${s}/old`])];
  const rows = ROUTES.filter((r) => routes[r]).map((r) => {
    const by = routes[r];
    const cell = (s) => (by[s] ? `${num(by[s].rps)} (${ms(by[s].p50)}/${ms(by[s].p99)})${by[s].non2xx || by[s].errors ? ' ⚠' : ''}` : '—');
    return [ROUTE_NAMES[r], ...['express', 'fastify', 'bare', 'old'].map(cell),
      ...projectServers.flatMap((s) => [x(ratio(by[s]?.rps, by.bare?.rps)), x(ratio(by[s]?.rps, by.old?.rps))])];
  });
  return table(head, rows);
}

function scaleCell(m) {
  if (!m) return '—';
  if (m.exceeded) return `> ${num(m.boundMs / 1000, 0)} s`;
  return `${ms(m.p50)} / ${ms(m.p99)}`;
}

function scaleTable({ scale }) {
  const head = ['missions', 'list express', 'list fastify', 'list old', 'old/express', 'search express', 'stats express', 'stats old',
    'Redis B/mission project', 'Redis B/mission old'];
  const rows = scale.map((s) => [num(s.size), scaleCell(s.list.express), scaleCell(s.list.fastify), scaleCell(s.list.old),
    s.list.old.exceeded ? `> ${num(s.list.old.boundMs / s.list.express.p50)}×` : x(ratio(s.list.old.p50, s.list.express.p50)),
    scaleCell(s.search?.express), scaleCell(s.stats.express), scaleCell(s.stats.old),
    num(s.memory.project_bytes_per_mission), num(s.memory.old_bytes_per_mission)]);
  return table(head, rows);
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
  const { routes, scale, memory } = results;
  const at = (n) => scale.find((s) => s.size === n);
  const out = [];
  const add = (target, value, met, text) => out.push({ target, value, met, text });
  for (const s of ['express', 'fastify']) {
    const r = ratio(routes.create?.[s]?.rps, routes.create?.bare?.rps);
    add(`create (${s}) ≥ 0.7 × bare`, r, r !== null && r >= 0.7, x(r));
    const o = ratio(routes.create?.[s]?.rps, routes.create?.old?.rps);
    add(`create (${s}) ≥ 3 × old pattern`, o, o !== null && o >= 3, x(o));
  }
  const s100k = at(100_000);
  if (s100k) {
    const old = s100k.list.old;
    const r = old.exceeded ? old.boundMs / s100k.list.express.p50 : old.p50 / s100k.list.express.p50;
    add('list page at 100k ≥ 100 × faster than old pattern (p50)', r, r >= 100, `${old.exceeded ? '> ' : ''}${x(r)}`);
  }
  const first = scale[0];
  const last = scale[scale.length - 1];
  if (first && last && last !== first) {
    for (const s of ['express', 'fastify']) {
      const g = last.list[s].p50 / first.list[s].p50;
      add(`list latency growth ${num(first.size)} → ${num(last.size)} ≤ 1.2× (${s}, p50)`, g, g <= 1.2, x(g));
    }
  }
  const b = memory.project.info_bytes_per_mission / memory.project.json_bytes;
  add('Redis bytes per mission ≤ 1.5 × JSON', b, b <= 1.5, `${x(b)} (${num(memory.project.info_bytes_per_mission)} B vs ${num(memory.project.json_bytes)} B)`);
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
  return [
    `Run ${results.date} (${settings.profile}): ${machine.cpus} × ${machine.cpu}, ${num(machine.memory_gb, 0)} GB, node ${machine.node}, redis ${machine.redis}, ` +
      `autocannon ${machine.autocannon}; load average ${machine.load_before.join(' ')} before, ${machine.load_after.join(' ')} after.`,
    `Each route: ${settings.warm_seconds} s warm-up, then ${settings.seconds} s measured per server in ${settings.rounds} rounds with the servers rotated, ` +
      `${settings.connections} connections (p50/p99: median of the rounds); list tenant of ${num(settings.list_size)} missions.`,
    '',
    '### Routes',
    routeTable(results, ['express', 'fastify']),
    '',
    '### Scale (one request at a time; p50 / p99 ms)',
    scaleTable(results),
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
