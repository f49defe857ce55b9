import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { missionKeys } from '../libs/missions/src/store/mission-keys.js';
import type { MissionsRedisClient } from '../libs/missions/src/store/redis-connection.js';
import type { ImportReport } from '../src/import/import-report.js';
import { builtMain } from './support/built-service.js';
import { eventually } from './support/missions-app.js';
import { pydanticJson, pythonJson } from './support/old-keyspace.js';
import { connectTestRedis, deleteKeys, testRedisEnv, testRedisUrl, uniquePrefix } from './support/redis-test-keys.js';

const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
const COUNT = 6000;
const importer = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'import-seed.js');
const statusOf = (i: number): (typeof STATUSES)[number] => STATUSES[i % STATUSES.length];
const logLength = (i: number): number => 1 + (i % 3);

/** The built CLI, as `npm run import:seed` runs it; resolves with its exit code and output. */
function startImporter(sourcePrefix: string, targetPrefix: string, extra: string[] = []): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const { NODE_OPTIONS: _jestVmModules, ...inherited } = process.env;
  const child = spawn(process.execPath, [importer, '--from', testRedisUrl(), '--source-prefix', sourcePrefix, '--tenant', 'acme', ...extra], {
    env: { ...inherited, ...testRedisEnv(), MISSIONS_KEY_PREFIX: targetPrefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('import:seed CLI: killed halfway, then resumed', () => {
  let sourceRedis: Redis;
  let target: MissionsRedisClient;
  const sourcePrefix = uniquePrefix('old-resume');
  const targetPrefix = uniquePrefix('import-resume');
  const keys = missionKeys(targetPrefix, 'acme');
  const ids = Array.from({ length: COUNT }, (_, i) => `m-${String(i).padStart(5, '0')}`);

  beforeAll(async () => {
    builtMain(); // fails early, with how to fix it, when dist/ is missing
    sourceRedis = new Redis(testRedisUrl());
    target = await connectTestRedis();
    const pipeline = sourceRedis.pipeline();
    ids.forEach((id, i) => {
      const at = 1796140000 + i / 1000;
      pipeline.set(`${sourcePrefix}mission:${id}`, pydanticJson({
        name: `Mission ${i}`, description: null, data: { i }, id, status: statusOf(i), created_at: at, updated_at: at + 1,
      }));
      const log = Array.from({ length: logLength(i) }, (_, n) => pythonJson({ timestamp: at + n, level: n === 1 ? 'warn' : 'info', message: `entry ${n}`, data: {} }));
      pipeline.rpush(`${sourcePrefix}log:${id}`, ...log);
    });
    pipeline.sadd(`${sourcePrefix}index`, ...ids);
    pipeline.set(`${sourcePrefix}stats`, pythonJson({ total: COUNT + 17, by_status: { PENDING: 1, RUNNING: 2, COMPLETED: 3, FAILED: 4, CANCELLED: 5 }, last_updated: 1796141945.5 }));
    await pipeline.exec();
  });

  afterAll(async () => {
    await deleteKeys(target, targetPrefix);
    await deleteKeys(sourceRedis, sourcePrefix);
    await Promise.all([target.quit(), sourceRedis.quit()]);
  });

  it('should end with every mission there exactly once and stats equal to a recount', async () => {
    // Small batches: the first run is still busy when it is killed.
    const first = startImporter(sourcePrefix, targetPrefix, ['--batch-size', '10']);
    await eventually(async () => (await target.zcard(keys.all)) >= COUNT / 10, 60_000);
    first.child.kill('SIGKILL');
    expect((await first.done).code).toBeNull();
    const afterKill = await target.zcard(keys.all);
    expect(afterKill).toBeLessThan(COUNT);

    const second = startImporter(sourcePrefix, targetPrefix, ['--json']);
    const { code, stdout, stderr } = await second.done;
    expect({ code, stderr: stderr.replace(/^importing \[.*\n/gm, '') }).toEqual({ code: 0, stderr: '' }); // progress lines only
    const report = JSON.parse(stdout) as ImportReport;
    expect(report.target).toMatchObject({ alreadyPresent: afterKill, imported: COUNT - afterKill, skipped: [], countsAgree: true });
    expect(report.source.stats.drift?.total).toBe(17);

    const pipeline = target.pipeline();
    for (const id of ids) pipeline.hget(keys.mission(id), 'status').llen(keys.log(id));
    const replies = ((await pipeline.exec()) ?? []).map(([, value]) => value);
    const recount = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    ids.forEach((_, i) => {
      const [status, length] = [replies[2 * i] as string, replies[2 * i + 1] as number];
      recount[status] += 1;
      // A RUNNING mission ends FAILED with two entries more: never a log written twice.
      expect([status, length]).toEqual(statusOf(i) === 'RUNNING' ? ['FAILED', logLength(i) + 2] : [statusOf(i), logLength(i)]);
    });
    const stats = await target.hgetall(keys.stats);
    expect(Number(stats.total)).toBe(COUNT);
    for (const status of STATUSES) {
      expect(Number(stats[status] ?? 0)).toBe(recount[status]);
      expect(await target.zcard(keys.byStatus(status))).toBe(recount[status]);
    }
    expect(await target.zcard(keys.all)).toBe(COUNT);
    expect(await target.zcard(keys.byName)).toBe(COUNT);
  }, 120_000);

  it('should exit 0 on a no-op re-run and print the summary', async () => {
    const { code, stdout } = await startImporter(sourcePrefix, targetPrefix).done;
    expect(code).toBe(0);
    expect(stdout).toMatch(/imported: +0\n/);
    expect(stdout).toContain(`already present:    ${COUNT.toLocaleString('en-US')}`);
    expect(stdout).toContain('old stats blob drifted (blob − recount): total +17');
  }, 60_000);

  it('should exit 2 when records were skipped, and 1 with the usage on a bad command line', async () => {
    await sourceRedis.set(`${sourcePrefix}mission:bad id`, pydanticJson({ name: 'x', status: 'PENDING', created_at: 1 }));
    const skipped = await startImporter(sourcePrefix, targetPrefix).done;
    expect(skipped.code).toBe(2);
    expect(skipped.stdout).toContain('id_refused (1): "bad id"');
    const usage = await startImporter(sourcePrefix, targetPrefix, ['--null-tenant']).done;
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('give exactly one of --tenant <id> and --null-tenant');
  }, 60_000);
});
