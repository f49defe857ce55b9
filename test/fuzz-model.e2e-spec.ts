import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { MISSION_EXECUTOR } from '../libs/missions/src/options/missions.constants.js';
import type { MissionExecutor } from '../libs/missions/src/execution/mission-executor.js';
import { checkProperty, jestTimeout, reportFuzzCounts, type FuzzBudget } from './support/fuzz.js';
import { jsonObject } from './support/fuzz-json.js';
import {
  linearize, listed, newModel, readMission, sameEntry, step, STATUSES, type Answer, type LogJson, type MissionJson, type Model,
  type Request, type Status,
} from './support/missions-model.js';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, token } from './support/tokens.js';

const BUDGET: FuzzBudget = { runs: 60, timeMs: 20_000 };
const TENANTS = 3;

interface Real {
  http: ReturnType<typeof request>;
  auth: { Authorization: string }[];
}

const answer = (res: request.Response): Answer => ({ status: res.status, body: res.body, headers: res.headers });

function send(real: Real, req: Request): Promise<Answer> {
  const auth = real.auth[req.tenant];
  const at = (id: string, rest = '') => `/api/missions/${encodeURIComponent(id)}${rest}`;
  switch (req.kind) {
    case 'create': {
      const post = real.http.post('/api/missions').set(auth);
      return (req.key === undefined ? post : post.set('Idempotency-Key', req.key)).send(req.body).then(answer);
    }
    case 'get': return real.http.get(at(req.id)).set(auth).then(answer);
    case 'status':
      return (req.form === 'query'
        ? real.http.post(at(req.id, `/status?mission_status=${encodeURIComponent(req.to)}`)).set(auth)
        : real.http.post(at(req.id, '/status')).set(auth).send({ status: req.to })).then(answer);
    case 'cancel': return real.http.post(at(req.id, '/cancel')).set(auth).then(answer);
    case 'execute': return real.http.post(at(req.id, '/execute')).set(auth).then(answer);
    case 'append': return real.http.post(at(req.id, '/log')).set(auth).send(req.entry).then(answer);
  }
}

// A mission to act on: one of the tenant's (by index), another tenant's, or none.
interface Ref { tenant: number; pick: number; whose: 'own' | 'foreign' | 'unknown' }
const ref = fc.record({ tenant: fc.nat(TENANTS - 1), pick: fc.nat(), whose: fc.constantFrom<Ref['whose']>('own', 'own', 'own', 'foreign', 'unknown') });
function resolve(model: Model, { tenant, pick, whose }: Ref): string {
  const owner = whose === 'foreign' ? (tenant + 1) % TENANTS : tenant;
  const ids = Object.keys(model.tenants[owner].missions);
  return whose === 'unknown' || ids.length === 0 ? 'no-such-mission' : ids[pick % ids.length];
}

function expectStep(model: Model, req: Request, got: Answer): void {
  const problem = step(model, req, got);
  if (problem) throw new Error(`${req.kind}: ${problem}`);
}

class Create implements fc.AsyncCommand<Model, Real> {
  constructor(readonly tenant: number, readonly body: Record<string, unknown>, readonly key?: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const req: Request = { kind: 'create', tenant: this.tenant, body: this.body, key: this.key };
    expectStep(model, req, await send(real, req));
  }
  toString = () => `create(${this.tenant}, ${JSON.stringify(this.body).slice(0, 60)}, key ${this.key})`;
}

/** One request on an existing (or foreign, or unknown) mission; execute re-reads what its 202 does not say. */
class Act implements fc.AsyncCommand<Model, Real> {
  constructor(readonly target: Ref, readonly make: (tenant: number, id: string) => Request) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const req = this.make(this.target.tenant, resolve(model, this.target));
    expectStep(model, req, await send(real, req));
    if (req.kind === 'execute') expectStep(model, { ...req, kind: 'get' }, await send(real, { ...req, kind: 'get' }));
  }
  toString = () => `${this.make(this.target.tenant, '?').kind}(${JSON.stringify(this.target)})`;
}

class ReadLog implements fc.AsyncCommand<Model, Real> {
  constructor(readonly target: Ref, readonly pageSize: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const id = resolve(model, this.target);
    const mission = model.tenants[this.target.tenant].missions[id];
    const read: LogJson[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const res: request.Response = await real.http.get(`/api/missions/${encodeURIComponent(id)}/log?offset=${offset}&limit=${this.pageSize}`).set(real.auth[this.target.tenant]);
      if (!mission) return void expect(res.status).toBe(404);
      expect(res.status).toBe(200);
      read.push(...res.body.log);
      offset = res.body.next_offset;
    }
    expect(read.length).toBe(mission!.log.length);
    mission!.log.forEach((entry, i) => expect({ i, same: sameEntry(entry, read[i]) }).toEqual({ i, same: true }));
  }
  toString = () => `readLog(${JSON.stringify(this.target)}, ${this.pageSize})`;
}

class List implements fc.AsyncCommand<Model, Real> {
  constructor(readonly tenant: number, readonly status: Status | undefined, readonly pageSize: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const seen: MissionJson[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { limit: this.pageSize, ...(this.status ? { status: this.status } : {}), ...(cursor ? { cursor } : {}) };
      const res: request.Response = await real.http.get('/api/missions').query(query).set(real.auth[this.tenant]).expect(200);
      seen.push(...res.body.missions);
      cursor = res.body.next_cursor;
    } while (cursor !== null);
    const expected = listed(model, this.tenant, this.status);
    expect(seen.map((m) => m.id)).toEqual(expected.map((m) => m.id));
    seen.forEach((m) => expect(readMission(model.tenants[this.tenant].missions[m.id], m)).toBe(true));
  }
  toString = () => `list(${this.tenant}, ${this.status}, ${this.pageSize})`;
}

class Stats implements fc.AsyncCommand<Model, Real> {
  constructor(readonly tenant: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const res = await real.http.get('/api/missions/stats/overview').set(real.auth[this.tenant]).expect(200);
    const missions = listed(model, this.tenant);
    expect(res.body.stats.total).toBe(missions.length);
    expect(res.body.stats.by_status).toEqual(Object.fromEntries(STATUSES.map((s) => [s, missions.filter((m) => m.status === s).length])));
  }
  toString = () => `stats(${this.tenant})`;
}

/** K requests at once on one mission, or K identical creates: some serial order must explain the answers. */
class Race implements fc.AsyncCommand<Model, Real> {
  constructor(readonly target: Ref, readonly moves: { to: string; via: 'status' | 'cancel' }[], readonly creates: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const id = resolve(model, this.target);
    const tenant = this.target.tenant;
    const requests: Request[] = this.creates > 0
      ? Array.from({ length: this.creates }, (): Request => ({ kind: 'create', tenant, body: { id: 'raced', name: 'race' }, key: 'race-key' }))
      : this.moves.map(({ to, via }): Request => (via === 'cancel' ? { kind: 'cancel', tenant, id } : { kind: 'status', tenant, id, to, form: 'body' }));
    const answers = await Promise.all(requests.map((req) => send(real, req)));
    const outcome = linearize(model, requests.map((req, i) => [req, answers[i]]));
    if ('problem' in outcome) throw new Error(outcome.problem);
    model.tenants = outcome.model.tenants;
  }
  toString = () => `race(${JSON.stringify(this.target)}, ${JSON.stringify(this.moves)}, creates ${this.creates})`;
}

const statusValue = fc.oneof({ weight: 9, arbitrary: fc.constantFrom<string>(...STATUSES) }, { weight: 1, arbitrary: fc.constantFrom('DONE', 'pending', '') });
const createBody = fc.record({
  id: fc.constantFrom('m-1', 'm-2', 'm-3', 'Health', 'a/b'),
  name: fc.oneof({ weight: 9, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) }, { weight: 1, arbitrary: fc.constant('') }),
  description: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 })),
  data: jsonObject,
}, { requiredKeys: ['name'] });
const logEntry = fc.record({
  level: fc.constantFrom('debug', 'info', 'warning', 'error', 'fatal'),
  message: fc.string({ minLength: 0, maxLength: 30 }),
  data: jsonObject,
  timestamp: fc.oneof(fc.double({ min: 1, max: 2e9, noNaN: true }), fc.constant(-1)),
}, { requiredKeys: ['message'] });

const commands = fc.commands([
  fc.tuple(fc.nat(TENANTS - 1), createBody, fc.option(fc.constantFrom('k-1', 'k-2'), { nil: undefined })).map(([t, b, k]) => new Create(t, b, k)),
  ref.map((r) => new Act(r, (tenant, id) => ({ kind: 'get', tenant, id }))),
  fc.tuple(ref, statusValue, fc.constantFrom<'query' | 'body'>('query', 'body')).map(([r, to, form]) => new Act(r, (tenant, id) => ({ kind: 'status', tenant, id, to, form }))),
  ref.map((r) => new Act(r, (tenant, id) => ({ kind: 'cancel', tenant, id }))),
  ref.map((r) => new Act(r, (tenant, id) => ({ kind: 'execute', tenant, id }))),
  fc.tuple(ref, logEntry).map(([r, entry]) => new Act(r, (tenant, id) => ({ kind: 'append', tenant, id, entry }))),
  fc.tuple(ref, fc.integer({ min: 1, max: 4 })).map(([r, size]) => new ReadLog(r, size)),
  fc.tuple(fc.nat(TENANTS - 1), fc.option(fc.constantFrom(...STATUSES), { nil: undefined }), fc.integer({ min: 1, max: 3 })).map(([t, s, size]) => new List(t, s, size)),
  fc.nat(TENANTS - 1).map((t) => new Stats(t)),
  fc.tuple(ref, fc.array(fc.record({ to: fc.constantFrom<string>(...STATUSES), via: fc.constantFrom<'status' | 'cancel'>('status', 'cancel') }), { minLength: 2, maxLength: 4 }), fc.constantFrom(0, 0, 3))
    .map(([r, moves, creates]) => new Race(r, moves, creates)),
], { maxCommands: 30 });

/**
 * (a) Random sequences of API calls over several tenants against a reference model of the
 * contract (test/support/missions-model.ts), concurrent requests included. Execution is stubbed
 * (missions stay RUNNING until a request moves them), so the model is exact.
 */
describe('Fuzz: the API against a model of the contract', () => {
  let t: MissionsTestApp;
  let run = 0;

  beforeAll(async () => {
    t = await startMissionsApp('fuzz-model');
    const executor = t.app.get<MissionExecutor>(MISSION_EXECUTOR);
    jest.spyOn(executor, 'start').mockResolvedValue();
    jest.spyOn(executor, 'cancel').mockResolvedValue();
  });
  afterAll(async () => {
    reportFuzzCounts();
    await t?.close();
  });

  it('should answer every sequence of calls as the model says', async () => {
    await checkProperty('(a) model', fc.asyncProperty(commands, async (cmds) => {
      // Fresh tenants per run: what an earlier run wrote is invisible to this one.
      const names = Array.from({ length: TENANTS }, (_, i) => `model-${++run}-${i}`);
      const real: Real = { http: request(t.app.getHttpServer()), auth: names.map((tenant_id) => bearer(token({ sub: 'fuzzer', tenant_id }))) };
      await fc.asyncModelRun(() => ({ model: newModel(names), real }), cmds);
    }), BUDGET);
  }, jestTimeout(BUDGET));
});
