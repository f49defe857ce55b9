// What a mission costs in Redis: INFO memory deltas and MEMORY USAGE per key, broken down by
// what each key is for, next to the size of the mission's JSON.
import { MissionResponse } from '../../libs/missions/dist/http/dto/mission.response.js';
import { missionFromRecord } from '../../libs/missions/dist/store/mission-record.js';
import { oldKeys } from '../servers/old-pattern-store.mjs';

export async function usedMemory(redis) {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
}

const usage = async (redis, key) => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);

async function meanUsage(redis, keys) {
  let total = 0;
  for (const key of keys) total += await usage(redis, key);
  return total / keys.length;
}

/** Bytes per mission of the project's layout, from `ids` created through the service in `tenant`. */
export async function projectBreakdown(redis, keys, tenant, ids, sample = 200) {
  const some = ids.slice(0, sample);
  const hash = await meanUsage(redis, some.map(keys.mission));
  const log = await meanUsage(redis, some.map(keys.log));
  const allIndex = (await usage(redis, keys.all)) / ids.length;
  const statusIndex = (await usage(redis, keys.byStatus('PENDING'))) / ids.length;
  const nameIndex = (await usage(redis, keys.byName)) / ids.length;
  const events = await usage(redis, keys.events);
  const mission = missionFromRecord(await redis.hgetall(keys.mission(ids[0])), { tenantId: tenant, missionId: ids[0] });
  return {
    json_bytes: Buffer.byteLength(JSON.stringify(MissionResponse.from(mission))),
    hash_encoding: await redis.call('OBJECT', 'ENCODING', keys.mission(ids[0])),
    per_mission: { hash, log, index_all: allIndex, index_status: statusIndex, index_name: nameIndex },
    per_mission_total: hash + log + allIndex + statusIndex + nameIndex,
    // Capped at eventStreamMaxLen entries per tenant whatever the tenant's size.
    event_stream_bytes_per_tenant: events,
    stats_hash_bytes_per_tenant: await usage(redis, keys.stats),
  };
}

export async function oldBreakdown(redis, prefix, tenant, ids, sample = 200) {
  const k = oldKeys(prefix, tenant);
  const some = ids.slice(0, sample);
  const json = await meanUsage(redis, some.map(k.mission));
  const log = await meanUsage(redis, some.map(k.log));
  const index = (await usage(redis, k.index)) / ids.length;
  return {
    json_bytes: Buffer.byteLength((await redis.get(k.mission(ids[0]))) ?? ''),
    per_mission: { json_string: json, log, index_set: index },
    per_mission_total: json + log + index,
  };
}

async function measureProject(redis, seeder, tenant, n, makeBody) {
  const before = await usedMemory(redis);
  const ids = await seeder.seedThroughService(tenant, n, makeBody);
  const after = await usedMemory(redis);
  const breakdown = await projectBreakdown(redis, seeder.keysFor(tenant), tenant, ids);
  return {
    ...breakdown,
    // The stream is capped per tenant, so it is a fixed cost, not a per-mission one.
    info_bytes_per_mission: (after - before - breakdown.event_stream_bytes_per_tenant) / n,
    info_bytes_per_mission_with_stream: (after - before) / n,
  };
}

/**
 * Phase 3: `n` missions created through the service (the real create script) in a fresh
 * tenant, with Redis's default hash-max-listpack-value and with a raised one; and `n` in the
 * old pattern's layout.
 */
export async function memoryPhase({ redis, seeder, oldStore }, n, makeBody, log) {
  const project = await measureProject(redis, seeder, 'mem', n, makeBody);
  const [, original] = await redis.config('GET', 'hash-max-listpack-value');
  const listpackValue = 1024;
  await redis.config('SET', 'hash-max-listpack-value', String(listpackValue));
  let tuned;
  try {
    tuned = { ...(await measureProject(redis, seeder, 'mem-tuned', n, makeBody)), listpack_value: listpackValue };
  } finally {
    await redis.config('SET', 'hash-max-listpack-value', original);
  }
  const before = await usedMemory(redis);
  const ids = await oldStore.seed('mem', n, makeBody, { keepIds: true });
  const old = { ...(await oldBreakdown(redis, oldStore.prefix, 'mem', ids)), info_bytes_per_mission: ((await usedMemory(redis)) - before) / n };
  for (const [label, m] of [['project', project], ['tuned', tuned], ['old', old]]) {
    log(`memory ${label}: ${Math.round(m.info_bytes_per_mission)} B/mission (INFO delta), JSON ${m.json_bytes} B`);
  }
  return { project, tuned, old, default_listpack_value: Number(original) };
}
