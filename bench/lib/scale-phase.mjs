// Phase 2: one tenant per size (seeded, not through HTTP), all present at once. List-page and
// stats latency are taken one request at a time, round-robin over the sizes and servers, so
// the machine's noise falls on every size alike (the name search page too); the old pattern's list, which reads every
// mission, gets a few bounded samples per size. Redis memory per mission comes from the
// INFO delta of each tenant's load.
import { bearerFor, missionBody } from './fixtures.mjs';
import { summarize, timeOne, timeSequential } from './load.mjs';
import { usedMemory } from './memory.mjs';

const PROBES = [
  ['list', 'fastify', '/api/missions?limit=100'],
  ['list', 'express', '/api/missions?limit=100'],
  // One name in ten starts with this (missionBody cycles through 1000 names): a page out of 10%.
  ['search', 'fastify', '/api/missions?name_prefix=deploy%20API%20v2.5&limit=100'],
  ['stats', 'fastify', '/api/missions/stats/overview'],
  ['stats', 'old', '/api/missions/stats/overview'],
];

async function seedSizes({ redis, seeder, oldStore }, sizes, log) {
  const memory = {};
  for (const size of sizes) {
    const tenant = `scale-${size}`;
    let started = Date.now();
    const m0 = await usedMemory(redis);
    await seeder.seedLayout(tenant, size, missionBody);
    const m1 = await usedMemory(redis);
    const projectMs = Date.now() - started;
    started = Date.now();
    await oldStore.seed(tenant, size, missionBody);
    const m2 = await usedMemory(redis);
    memory[size] = { project_bytes_per_mission: (m1 - m0) / size, old_bytes_per_mission: (m2 - m1) / size };
    log(`scale: seeded ${size} missions (project ${projectMs} ms, old ${Date.now() - started} ms)`);
  }
  return memory;
}

export async function scalePhase(deps, settings, log) {
  const url = Object.fromEntries(deps.servers.map((s) => [s.label, s.url]));
  const sizes = settings.scale_sizes;
  const memory = await seedSizes(deps, sizes, log);
  const samples = Object.fromEntries(sizes.map((size) => [size, PROBES.map(() => [])]));
  for (let round = 0; round < settings.scale_rounds; round++) {
    for (const size of sizes) {
      const auth = bearerFor(`scale-${size}`);
      for (const [i, [, server, path]] of PROBES.entries()) samples[size][i].push(await timeOne(`${url[server]}${path}`, auth));
    }
  }
  const bound = settings.old_list_bound_ms;
  const steps = [];
  for (const size of sizes) {
    const step = { size, list: {}, search: {}, stats: {}, memory: memory[size] };
    for (const [i, [kind, server]] of PROBES.entries()) step[kind][server] = summarize(samples[size][i]);
    step.list.old = {
      ...(await timeSequential(`${url.old}/api/missions?limit=100`, bearerFor(`scale-${size}`), { maxSamples: 3, budgetMs: bound, timeoutMs: bound * 3 })),
      boundMs: bound,
    };
    const oldText = step.list.old.exceeded ? `> ${bound} ms` : `${step.list.old.p50.toFixed(1)} ms`;
    log(`scale ${size}: list p50 fastify ${step.list.fastify.p50.toFixed(2)} ms, express ${step.list.express.p50.toFixed(2)} ms, old ${oldText}; ` +
      `search fastify ${step.search.fastify.p50.toFixed(2)} ms; ` +
      `stats fastify ${step.stats.fastify.p50.toFixed(2)} ms, old ${step.stats.old.p50.toFixed(2)} ms`);
    steps.push(step);
  }
  return steps;
}
