import { expect } from '@jest/globals';
import { missionKeys } from '../../libs/missions/src/store/mission-keys.js';
import { MISSION_STATUSES } from '../../libs/missions/src/domain/mission.types.js';
import type { MissionsRedisClient } from '../../libs/missions/src/store/redis-connection.js';
import { builtMain } from './built-service.js';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** The missions of one tenant a fault spec follows. */
export interface TenantMissions {
  tenant: string;
  ids: string[];
}

/**
 * The service the fault specs run: the build of this tree, or RECOVERY_SERVICE_MAIN (e.g. a
 * copy of main's dist/main.js) to measure the same scenario on other code.
 */
export function recoveryServiceMain(): string {
  return process.env.RECOVERY_SERVICE_MAIN ?? builtMain().main;
}

async function runningCount(redis: MissionsRedisClient, prefix: string, groups: TenantMissions[]): Promise<number> {
  const counts = await Promise.all(groups.map(({ tenant }) => redis.zcard(missionKeys(prefix, tenant).byStatus('RUNNING'))));
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * Polls until no mission is RUNNING or `boundMs` passed since `clearedAt` (performance.now()):
 * how many are still RUNNING then, and how long after the fault cleared the last one ended.
 */
export async function waitUntilNoneRunning(
  redis: MissionsRedisClient, prefix: string, groups: TenantMissions[], clearedAt: number, boundMs: number,
): Promise<{ stuck: number; recoveredMs: number; timeline: string }> {
  // RUNNING count once a second after the fault cleared, for the report.
  const timeline: number[] = [];
  for (;;) {
    const running = await runningCount(redis, prefix, groups).catch(() => -1);
    const elapsed = performance.now() - clearedAt;
    if (elapsed >= timeline.length * 1000) timeline.push(running);
    if (running === 0 || elapsed > boundMs) return { stuck: Math.max(running, 0), recoveredMs: elapsed, timeline: timeline.join(' ') };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface LogEntry {
  level: string;
  message: string;
  data: { from?: string; to?: string };
}

/**
 * Every mission that left PENDING went through exactly one terminal transition (its log's
 * status-change entries), a FAILED one has an `error` entry saying why, and the stats equal a
 * recount of the stored statuses. Returns the recount.
 */
export async function auditMissions(redis: MissionsRedisClient, prefix: string, groups: TenantMissions[]): Promise<Record<string, number>> {
  const total: Record<string, number> = Object.fromEntries(MISSION_STATUSES.map((s) => [s, 0]));
  for (const { tenant, ids } of groups) {
    const keys = missionKeys(prefix, tenant);
    const recount: Record<string, number> = Object.fromEntries(MISSION_STATUSES.map((s) => [s, 0]));
    const problems: string[] = [];
    for (const id of ids) {
      const [status, rawLog] = await Promise.all([redis.hget(keys.mission(id), 'status'), redis.lrange(keys.log(id), 0, -1)]);
      if (status === null) continue;
      recount[status] += 1;
      const log = rawLog.map((line) => JSON.parse(line) as LogEntry);
      const changes = log.filter((e) => e.message === 'Mission status changed');
      const terminal = changes.filter((e) => TERMINAL.has(e.data.to ?? ''));
      if (status !== 'PENDING' && terminal.length !== 1) problems.push(`${id}: ${status} with ${terminal.length} terminal changes`);
      if (status === 'PENDING' && changes.length !== 0) problems.push(`${id}: PENDING after ${changes.length} changes`);
      if (status === 'FAILED' && !log.some((e) => e.level === 'error')) problems.push(`${id}: FAILED without an error entry`);
    }
    expect(problems).toEqual([]);
    const stats = await redis.hgetall(keys.stats);
    expect({ tenant, total: Number(stats.total) }).toEqual({ tenant, total: ids.length });
    for (const status of MISSION_STATUSES) {
      expect({ tenant, status, count: Number(stats[status] ?? 0) }).toEqual({ tenant, status, count: recount[status] });
      total[status] += recount[status];
    }
  }
  return total;
}

/** Sends one item every `intervalMs` whatever the answers (open loop, so a hang cannot slow the load down) while `more()` holds. */
export async function atFixedRate<T>(items: T[], intervalMs: number, more: () => boolean, send: (item: T) => Promise<void>): Promise<void> {
  const sent: Promise<void>[] = [];
  for (const item of items) {
    if (!more()) break;
    sent.push(send(item));
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  await Promise.all(sent);
}

/** Runs `send` over `items`, `concurrency` at a time. */
export async function inBatches<T>(items: T[], concurrency: number, send: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await send(items[next++]);
  }));
}

/** Creates each mission over HTTP; a loaded machine may exceed the 500 ms command timeout, so a 503 is retried (409 then: it was created). */
export async function createMissions(base: string, headers: Record<string, string>, ids: string[]): Promise<void> {
  await inBatches(ids, 10, async (id) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${base}/api/missions`, { method: 'POST', headers, body: JSON.stringify({ id, name: id }) });
      if (res.status === 201 || (attempt > 0 && res.status === 409)) return;
      expect({ id, status: res.status }).toEqual({ id, status: 503 });
    }
  });
}
