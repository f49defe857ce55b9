import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { MissionImportRepository } from '../libs/missions/src/store/mission-import.repository.js';
import { missionKeys } from '../libs/missions/src/store/mission-keys.js';
import type { ImportReport } from '../src/import/import-report.js';
import { OldKeyspaceReader } from '../src/import/old-keyspace.reader.js';
import { importOldMissions } from '../src/import/old-missions-import.js';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { OldKeyspaceWriter, pythonJson, type OldMission } from './support/old-keyspace.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './support/redis-test-keys.js';
import { bearer, token } from './support/tokens.js';

const STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
const created = (name: string, description: unknown, at: number): string =>
  pythonJson({ timestamp: at, level: 'info', message: 'Mission created', data: { name, description } });
const changed = (from: string, to: string, at: number): string =>
  pythonJson({ timestamp: at, level: 'info', message: 'Mission status changed', data: { from, to } });

// The issue's own example, byte for byte, then missions the old service and its clients left behind.
const DEPLOY_JSON = '{"name":"Deploy v2.0","description":"Deploy new version","data":{"env":"production"},"id":"deploy-1","status":"COMPLETED","created_at":1796141944.9994082,"updated_at":1796141945.0057294}';
const DEPLOY_LOG = [
  '{"timestamp":1796141945.002823,"level":"info","message":"Mission created","data":{"name":"Deploy v2.0","description":"Deploy new version"}}',
  changed('PENDING', 'RUNNING', 1796141945.003),
  changed('RUNNING', 'COMPLETED', 1796141945.0057),
];
const ODD_LOG = [
  '{"timestamp":1796141950.1,"level":"warn","message":"disk at 80%","data":{"disk":"/var"}}',
  '{"timestamp":1796141950.2,"level":"CRITICAL","message":"disk full","data":{}}',
  '{"timestamp":1796141950.3,"level":"fatal","message":"gave up","data":{}}',
  '{"timestamp":1796141950.4,"level":"verbose","message":"chatty","data":{}}',
  '{"timestamp":1796141950.5,"level":"success","message":"made up","data":{}}',
  '{"timestamp":1796141950.6,"message":"no level","data":{}}',
  '{"timestamp": NaN, "level": "info", "message": "Python wrote NaN", "data": {}}',
  '{"timestamp":1796141950.8,"level":"debug","message":"fine","data":{"n":1}}',
  '{"level":"error","message":"no time","data":"text"}',
];
const ODD_LOG_EXPECTED = [
  { timestamp: 1796141950.1, level: 'warning', message: 'disk at 80%', data: { disk: '/var', original_level: 'warn' } },
  { timestamp: 1796141950.2, level: 'error', message: 'disk full', data: { original_level: 'CRITICAL' } },
  { timestamp: 1796141950.3, level: 'error', message: 'gave up', data: { original_level: 'fatal' } },
  { timestamp: 1796141950.4, level: 'debug', message: 'chatty', data: { original_level: 'verbose' } },
  { timestamp: 1796141950.5, level: 'info', message: 'made up', data: { original_level: 'success' } },
  { timestamp: 1796141950.6, level: 'info', message: 'no level', data: {} },
  { timestamp: 1796141950.6, level: 'info', message: 'Unreadable log entry kept by the import', data: { raw: ODD_LOG[6] } },
  { timestamp: 1796141950.8, level: 'debug', message: 'fine', data: { n: 1 } },
  { timestamp: 1796141950.8, level: 'error', message: 'no time', data: { value: 'text' } },
];

interface Fixture {
  id: string;
  record: OldMission;
  log?: string[];
  indexed?: boolean;
}

const base = { description: null, data: {}, created_at: 1796140000.123456, updated_at: 1796140001.654321 };
const IMPORTED: Fixture[] = [
  { id: 'deploy-1', record: JSON.parse(DEPLOY_JSON) as OldMission, log: DEPLOY_LOG },
  { id: 'pending-1', record: { ...base, name: 'Wait', id: 'pending-1', status: 'PENDING' }, log: [created('Wait', null, 1796140000.2)] },
  {
    id: 'run-1', record: { ...base, name: 'Half done', id: 'run-1', status: 'RUNNING' },
    log: [created('Half done', null, 1796140000.2), changed('PENDING', 'RUNNING', 1796140001.6)],
  },
  { id: '3d67f2c0-8a4b-4c1e-9f00-0123456789ab', record: { ...base, name: 'No log at all', id: '3d67f2c0-8a4b-4c1e-9f00-0123456789ab', status: 'CANCELLED' } },
  { id: 'odd-levels', record: { ...base, name: 'Odd levels', description: 'clients wrote these', id: 'odd-levels', status: 'FAILED' }, log: ODD_LOG },
  {
    // An older record: no description field, no updated_at, non-ASCII text.
    id: 'legacy.1', record: { name: 'ÉLAN Launch', data: { region: 'eu', nested: { list: [1, 2.5, 'x'], big: 12345678901234 } }, id: 'legacy.1', status: 'COMPLETED', created_at: 1700000000.5 },
    log: [created('ÉLAN Launch', null, 1700000000.5)],
  },
  { id: 'orphan:1', record: { ...base, name: 'Not in the index', id: 'orphan:1', status: 'COMPLETED' }, indexed: false },
];
const SKIPPED: (Fixture & { reason: string })[] = [
  { id: 'has space', reason: 'id_refused', record: { ...base, name: 'x', id: 'has space', status: 'PENDING' } },
  { id: 'health', reason: 'id_refused', record: { ...base, name: 'x', id: 'health', status: 'PENDING' } },
  { id: 'no-name', reason: 'missing_field', record: { ...base, id: 'no-name', status: 'PENDING' } },
  { id: 'bad-status', reason: 'invalid_field', record: { ...base, name: 'x', id: 'bad-status', status: 'DONE' } },
  { id: 'alias-1', reason: 'id_mismatch', record: { ...base, name: 'x', id: 'other', status: 'PENDING' } },
];
const BROKEN_ID = 'broken-json';
const TAKEN: Fixture = { id: 'taken-1', record: { ...base, name: 'Old one', id: 'taken-1', status: 'COMPLETED' } };
const sourceCount = IMPORTED.length + SKIPPED.length + 2;
const seconds = (s: unknown): number => Math.round((s as number) * 1000) / 1000;

describe('npm run import:seed: the old keyspace into one tenant', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  let sourceRedis: Redis;
  let source: OldKeyspaceWriter;
  let before: Record<string, unknown>;
  let first: ImportReport;
  let startedMs: number;
  const alice = bearer(token({ sub: 'alice', tenant_id: 'acme' }));

  const runImport = async (options: { tenantId?: string | null; dryRun?: boolean } = {}): Promise<ImportReport> => {
    const reader = await OldKeyspaceReader.connect(testRedisUrl(), source.prefix);
    try {
      return await importOldMissions(reader, new MissionImportRepository(t.redis, t.prefix), {
        sourcePrefix: source.prefix, tenantId: 'acme', dryRun: false, batchSize: 3, keyPrefix: t.prefix, ...options,
      });
    } finally {
      await reader.close();
    }
  };

  beforeAll(async () => {
    sourceRedis = new Redis(testRedisUrl());
    source = new OldKeyspaceWriter(sourceRedis, uniquePrefix('old-service'));
    for (const { id, record, log, indexed } of [...IMPORTED, ...SKIPPED, TAKEN]) await source.mission(id, record, log, indexed);
    await source.mission(BROKEN_ID, '{"name": "broken", "status": "PEND');
    await source.danglingIndexId('gone-1', [created('gone', null, 1796140000)]);
    await source.danglingIndexId('gone-2');
    await source.statsBlob({ total: 40, by_status: { PENDING: 9, RUNNING: 3, COMPLETED: 20, FAILED: 1, CANCELLED: 7 }, last_updated: 1796141945.005952 });
    before = await source.snapshot();

    t = await startMissionsApp('import');
    http = request(t.app.getHttpServer());
    // The tenant is in use already: one id collides with the source's.
    await http.post('/api/missions').set(alice).send({ id: 'taken-1', name: 'New one' }).expect(201);
    await http.post('/api/missions').set(alice).send({ id: 'native-1', name: 'Native' }).expect(201);
    startedMs = Date.now();
    first = await runImport();
  });

  afterAll(async () => {
    await t.close();
    await deleteKeys(sourceRedis, source.prefix);
    await sourceRedis.quit();
  });

  it('should report what it imported, skipped and found', () => {
    expect(first.target).toMatchObject({ imported: IMPORTED.length, alreadyPresent: 1, interrupted: ['run-1'], countsAgree: true });
    expect(first.target.skipped.map(({ id, reason }) => [id, reason]).sort()).toEqual(
      [...SKIPPED.map(({ id, reason }) => [id, reason]), [BROKEN_ID, 'unreadable_json']].sort(),
    );
    expect(first.target.levelChanges).toEqual({
      '"warn"→warning': 1, '"CRITICAL"→error': 1, '"fatal"→error': 1, '"verbose"→debug': 1, '"success"→info': 1, '(none)→info': 1,
    });
    expect(first.target.repairedLogEntries).toBe(2);
    expect(first.source).toMatchObject({ missions: sourceCount, notInIndex: 1 });
    expect([...first.source.danglingIndexIds].sort()).toEqual(['gone-1', 'gone-2']);
  });

  it('should report the old stats blob\'s drift from a recount, and not copy it', async () => {
    const readable = [...IMPORTED, ...SKIPPED, TAKEN].map((f) => f.record.status);
    const recount = Object.fromEntries(STATUSES.map((s) => [s, readable.filter((status) => status === s).length]));
    expect(first.source.stats.recount).toEqual({ total: sourceCount, by_status: recount });
    expect(first.source.stats.drift).toEqual({
      total: 40 - sourceCount, by_status: Object.fromEntries(STATUSES.map((s) => [s, first.source.stats.blob!.by_status[s] - recount[s]])),
    });
    const stats = (await http.get('/api/missions/stats/overview').set(alice).expect(200)).body.stats;
    expect(stats.total).toBe(IMPORTED.length + 2);
    expect(stats.by_status).toEqual({ PENDING: 3, RUNNING: 0, COMPLETED: 3, FAILED: 2, CANCELLED: 1 });
  });

  it('should serve every imported mission field by field through the API', async () => {
    for (const { id, record } of IMPORTED) {
      const res = await http.get(`/api/missions/${encodeURIComponent(id)}`).set(alice).expect(200);
      const interrupted = record.status === 'RUNNING';
      expect(res.body).toEqual({
        id,
        name: record.name,
        description: record.description ?? null,
        data: record.data ?? {},
        status: interrupted ? 'FAILED' : record.status,
        created_at: seconds(record.created_at),
        updated_at: interrupted ? expect.any(Number) : seconds(record.updated_at ?? record.created_at),
        tenant_id: 'acme',
        created_by: 'old-service',
        version: interrupted ? 2 : 1,
      });
      if (interrupted) expect(res.body.updated_at * 1000).toBeGreaterThanOrEqual(startedMs);
    }
    expect((await http.get('/api/missions/deploy-1').set(alice)).body).toMatchObject({ created_at: 1796141944.999, updated_at: 1796141945.006 });
  });

  it('should serve each whole log in order, levels mapped, a RUNNING mission\'s ended by its failure', async () => {
    const logOf = async (id: string) => (await http.get(`/api/missions/${encodeURIComponent(id)}/log?limit=10000`).set(alice).expect(200)).body.log;
    expect(await logOf('deploy-1')).toEqual(DEPLOY_LOG.map((json) => JSON.parse(json)));
    expect(await logOf('odd-levels')).toEqual(ODD_LOG_EXPECTED);
    expect(await logOf('3d67f2c0-8a4b-4c1e-9f00-0123456789ab')).toEqual([]);
    expect(await logOf('legacy.1')).toEqual([{ timestamp: 1700000000.5, level: 'info', message: 'Mission created', data: { name: 'ÉLAN Launch', description: null } }]);
    const run = await logOf('run-1');
    expect(run.slice(0, 2)).toEqual(IMPORTED[2].log!.map((json) => JSON.parse(json)));
    expect(run.slice(2)).toEqual([
      expect.objectContaining({ level: 'error', message: expect.stringContaining('interrupted by migration'), data: { previous_status: 'RUNNING' } }),
      expect.objectContaining({ level: 'info', message: 'Mission status changed', data: { from: 'RUNNING', to: 'FAILED' } }),
    ]);
  });

  it('should list the missions by creation time and status, and leave the taken id as it was', async () => {
    const listed = (await http.get('/api/missions?limit=1000').set(alice).expect(200)).body.missions.map((m: { id: string }) => m.id);
    expect([...listed].sort()).toEqual([...IMPORTED.map((f) => f.id), 'taken-1', 'native-1'].sort());
    expect(listed.indexOf('legacy.1')).toBe(listed.length - 1); // created in 2023, the oldest
    const failed = (await http.get('/api/missions?status=FAILED').set(alice).expect(200)).body.missions.map((m: { id: string }) => m.id);
    expect(failed.sort()).toEqual(['odd-levels', 'run-1']);
    expect((await http.get('/api/missions/taken-1').set(alice).expect(200)).body).toMatchObject({ name: 'New one', created_by: 'alice' });
  });

  it('should index every imported mission by its lower-cased name', async () => {
    const members = await t.redis.zrange(missionKeys(t.prefix, 'acme').byName, '0', '-1');
    for (const { id, record } of IMPORTED) expect(members).toContain(`${(record.name as string).toLowerCase()}\u0000${id}`);
    expect(members).toContain('élan launch\u0000legacy.1');
  });

  it('should keep every skipped record out of the tenant, and other tenants untouched', async () => {
    const keys = missionKeys(t.prefix, 'acme');
    for (const id of [...SKIPPED.map((f) => f.id), BROKEN_ID, 'other']) {
      expect(await t.redis.exists(keys.mission(id), keys.log(id))).toBe(0);
    }
    await http.get('/api/missions/deploy-1').set(bearer(token({ sub: 'bob', tenant_id: 'globex' }))).expect(404);
    await http.get('/api/missions/deploy-1').set(bearer(token({ sub: 'carol' }))).expect(404);
  });

  it('should never write to the source', async () => {
    expect(await source.snapshot()).toEqual(before);
  });

  it('should import nothing on a second run, nor change the tenant', async () => {
    const statsBefore = (await http.get('/api/missions/stats/overview').set(alice)).body;
    const logBefore = (await http.get('/api/missions/odd-levels/log').set(alice)).body;
    const second = await runImport();
    expect(second.target).toMatchObject({ imported: 0, alreadyPresent: IMPORTED.length + 1, interrupted: [], countsAgree: true });
    expect(second.target.skipped).toHaveLength(SKIPPED.length + 1);
    expect((await http.get('/api/missions/stats/overview').set(alice)).body).toEqual(statsBefore);
    expect((await http.get('/api/missions/odd-levels/log').set(alice)).body).toEqual(logBefore);
  });

  it('should write nothing on a dry run and say what it would import', async () => {
    const dry = await runImport({ tenantId: 'dry', dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, target: { imported: IMPORTED.length + 1, alreadyPresent: 0, tenantId: 'dry' } });
    expect(dry.target.counts?.stats.total).toBe(0);
    await http.get('/api/missions/deploy-1').set(bearer(token({ sub: 'dan', tenant_id: 'dry' }))).expect(404);
  });

  it('should import into the null tenant with --null-tenant', async () => {
    const report = await runImport({ tenantId: null });
    expect(report.target).toMatchObject({ imported: IMPORTED.length + 1, tenantId: null, countsAgree: true });
    const res = await http.get('/api/missions/deploy-1').set(bearer(token({ sub: 'carol' }))).expect(200);
    expect(res.body).toMatchObject({ tenant_id: null, status: 'COMPLETED' });
  });
});
