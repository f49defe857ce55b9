import { canonicalJson } from '../../libs/missions/src/domain/canonical-json.js';
import { sameJson } from './fuzz-json.js';

/**
 * A reference model of the missions contract (../shared/api-contract.md) for the model-based
 * spec: what each request must answer given what came before, and the state it leaves. Each
 * `step` checks one real answer against the model and applies it; it returns what differs, or
 * undefined. Server-chosen values (generated ids, timestamps) are learned from the answers.
 */
export type Status = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export const STATUSES: Status[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
const ALLOWED: Record<Status, Status[]> = {
  PENDING: ['RUNNING', 'CANCELLED'], RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED'], COMPLETED: [], FAILED: [], CANCELLED: [],
};

export interface MissionJson {
  id: string; name: string; description: string | null; data: Record<string, unknown>; status: Status;
  created_at: number; updated_at: number; tenant_id: string | null; created_by: string; version: number;
}
export interface LogJson { level: string; message: string; data: unknown; timestamp?: number }
interface MissionState { body: MissionJson; log: LogJson[] }
interface TenantState { name: string; missions: Record<string, MissionState>; keys: Record<string, { fingerprint: string; response: MissionJson }> }
export interface Model { tenants: TenantState[] }

export interface Answer { status: number; body: unknown; headers: Record<string, string | string[] | undefined> }
export type Request =
  | { kind: 'create'; tenant: number; body: Record<string, unknown>; key?: string }
  | { kind: 'status'; tenant: number; id: string; to: string; form: 'query' | 'body' }
  | { kind: 'cancel' | 'get' | 'execute'; tenant: number; id: string }
  | { kind: 'append'; tenant: number; id: string; entry: { level?: string; message: string; data?: Record<string, unknown>; timestamp?: number } };

export const newModel = (tenantNames: string[]): Model => ({ tenants: tenantNames.map((name) => ({ name, missions: {}, keys: {} })) });

const NOT_FOUND = { statusCode: 404, message: 'Mission not found', error: 'Not Found' };
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const text = (v: unknown, min: number, max: number) => typeof v === 'string' && v.length >= min && v.length <= max && v.isWellFormed();
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const differ = (what: string, expected: unknown, got: Answer): string =>
  `${what}: expected ${JSON.stringify(expected)}, got ${got.status} ${JSON.stringify(got.body)}`;
const expectStatus = (what: string, status: number, body: unknown, got: Answer) =>
  got.status === status && (body === undefined || canonicalJson(got.body) === canonicalJson(body)) ? undefined : differ(what, { status, body }, got);

function validCreate(body: Record<string, unknown>): boolean {
  const { id, name, description, data } = body;
  return text(name, 1, 200) && (description === undefined || description === null || text(description, 0, 4000)) &&
    (data === undefined || isObject(data)) &&
    (id === undefined || (typeof id === 'string' && ID.test(id) && !['health', 'stats', 'events'].includes(id.toLowerCase())));
}

function create(model: Model, req: Extract<Request, { kind: 'create' }>, got: Answer): string | undefined {
  const tenant = model.tenants[req.tenant];
  if (!validCreate(req.body)) return got.status === 400 ? undefined : differ('invalid create', 400, got);
  const fingerprint = canonicalJson(req.body);
  const remembered = req.key === undefined ? undefined : tenant.keys[req.key];
  if (remembered) {
    if (remembered.fingerprint !== fingerprint) return expectStatus('idempotency mismatch', 422, undefined, got);
    return got.status === 201 && got.headers['idempotent-replayed'] === 'true' && sameJson(got.body, remembered.response)
      ? undefined : differ('replay', remembered.response, got);
  }
  const id = req.body.id as string | undefined;
  if (id !== undefined && tenant.missions[id]) return expectStatus('id taken', 409, undefined, got);
  const body = got.body as MissionJson;
  const expected = {
    ...body, name: req.body.name, description: req.body.description ?? null, data: req.body.data ?? {}, status: 'PENDING', version: 1,
    tenant_id: tenant.name, created_by: 'fuzzer', updated_at: body.created_at, ...(id === undefined ? {} : { id }),
  };
  if (got.status !== 201 || !sameJson(body, expected) || typeof body.created_at !== 'number' || tenant.missions[body.id]) return differ('create', expected, got);
  tenant.missions[body.id] = { body, log: [{ level: 'info', message: 'Mission created', data: { name: req.body.name, description: req.body.description ?? null } }] };
  if (req.key !== undefined) tenant.keys[req.key] = { fingerprint, response: body };
  return undefined;
}

function changeStatus(mission: MissionState | undefined, to: string, got: Answer, conflict: (from: Status) => boolean): string | undefined {
  // Input is validated before the mission is looked up.
  if (!STATUSES.includes(to as Status)) return expectStatus('unknown status', 400, undefined, got);
  if (!mission) return expectStatus('unknown mission', 404, NOT_FOUND, got);
  const from = mission.body.status;
  if (to === from) return expectStatus('same status', 200, mission.body, got);
  if (conflict(from) || !ALLOWED[from].includes(to as Status)) return expectStatus(`${from} to ${to}`, 409, undefined, got);
  const body = got.body as MissionJson;
  const expected = { ...mission.body, status: to, version: mission.body.version + 1, updated_at: body.updated_at };
  if (got.status !== 200 || !sameJson(body, expected) || body.updated_at < mission.body.updated_at) return differ(`${from} to ${to}`, expected, got);
  mission.body = body;
  mission.log.push({ level: 'info', message: 'Mission status changed', data: { from, to } });
  return undefined;
}

function validEntry(entry: Extract<Request, { kind: 'append' }>['entry']): boolean {
  return text(entry.message, 1, 4000) && (entry.level === undefined || ['debug', 'info', 'warning', 'error'].includes(entry.level)) &&
    (entry.data === undefined || isObject(entry.data)) && (entry.timestamp === undefined || (Number.isFinite(entry.timestamp) && entry.timestamp > 0));
}

/** Checks one answer against the model and applies it; what differs, or undefined. */
export function step(model: Model, req: Request, got: Answer): string | undefined {
  if (req.kind === 'create') return create(model, req, got);
  const mission = model.tenants[req.tenant].missions[req.id];
  switch (req.kind) {
    case 'get':
      if (!mission) return expectStatus('get unknown', 404, NOT_FOUND, got);
      return got.status === 200 && readMission(mission, got.body as MissionJson) ? undefined : differ('get', mission.body, got);
    case 'status':
      return changeStatus(mission, req.to, got, () => false);
    case 'cancel':
      return changeStatus(mission, 'CANCELLED', got, () => false);
    case 'execute': {
      if (!mission) return expectStatus('execute unknown', 404, NOT_FOUND, got);
      if (mission.body.status !== 'PENDING') return expectStatus('execute', 409, undefined, got);
      if (got.status !== 202) return differ('execute', 202, got);
      // 202 carries no mission: the next read tells its new updated_at.
      mission.body = { ...mission.body, status: 'RUNNING', version: mission.body.version + 1, updated_at: Number.NaN };
      mission.log.push({ level: 'info', message: 'Mission status changed', data: { from: 'PENDING', to: 'RUNNING' } });
      return undefined;
    }
    case 'append': {
      if (!validEntry(req.entry)) return expectStatus('invalid log entry', 400, undefined, got);
      if (!mission) return expectStatus('append unknown', 404, NOT_FOUND, got);
      if (got.status !== 202) return differ('append', 202, got);
      const { level = 'info', message, data = {}, timestamp } = req.entry;
      mission.log.push({ level, message, data, ...(timestamp === undefined ? {} : { timestamp }) });
      return undefined;
    }
  }
}

/** A mission read back: as the model has it, learning an updated_at the model could not know. */
export function readMission(mission: MissionState, got: MissionJson): boolean {
  if (Number.isNaN(mission.body.updated_at) && got.updated_at >= mission.body.created_at) mission.body.updated_at = got.updated_at;
  return sameJson(got, mission.body);
}

export const sameEntry = (expected: LogJson, got: LogJson): boolean =>
  got.level === expected.level && got.message === expected.message && sameJson(got.data, expected.data) &&
  typeof got.timestamp === 'number' && (expected.timestamp === undefined || got.timestamp === expected.timestamp);

/** Missions of a tenant as the list orders them: newest first, ties by id descending. */
export function listed(model: Model, tenant: number, status?: Status): MissionJson[] {
  return Object.values(model.tenants[tenant].missions).map((m) => m.body)
    .filter((m) => status === undefined || m.status === status)
    .sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** Every order of `items` (K! of them; K stays small). */
export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/**
 * Concurrent requests are right if some serial order of them gives exactly the answers seen
 * (linearizability); the model then takes the state of that order. The reason otherwise.
 */
export function linearize(model: Model, pairs: [Request, Answer][]): { model: Model } | { problem: string } {
  const problems: string[] = [];
  for (const order of permutations(pairs)) {
    const candidate = structuredClone(model);
    const problem = order.map(([req, got]) => step(candidate, req, got)).find((p) => p !== undefined);
    if (problem === undefined) return { model: candidate };
    problems.push(problem);
  }
  return { problem: `no serial order explains the answers: ${problems.join(' | ')}` };
}
