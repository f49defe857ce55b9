import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { Principal } from '../domain/principal.js';

/** What the module speaks to: one Redis, or a Redis Cluster. Both run the same scripts and commands. */
export type MissionsRedisClient = Redis | Cluster;

/** One seed node of a Redis Cluster; the client discovers the others. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** How to reach Redis: a URL for a single server, or cluster seed nodes. */
export type RedisConnectionConfig =
  | { url: string; options: RedisOptions }
  | { cluster: { nodes: RedisClusterNode[]; options: ClusterOptions } };

/** How the built-in JWT guard verifies tokens. Give one of `secret` (HS256), `publicKey` (PEM) or `jwksUri`. */
export interface MissionsJwtOptions {
  /** Shared secret; tokens must be HS256. */
  secret?: string;
  /** PEM public key; tokens must be RS256 (RSA key) or ES256 (EC P-256 key). */
  publicKey?: string;
  /**
   * An identity provider's JWKS URL (Keycloak, Auth0, Entra): keys by `kid`, cached, refetched
   * on an unknown `kid` at most `jwksRequestsPerMinute` times a minute (default 10).
   */
  jwksUri?: string;
  /** With `jwksUri`: the accepted algorithms, among RS256 and ES256. Default `['RS256']`. */
  algorithms?: ('RS256' | 'ES256')[];
  jwksRequestsPerMinute?: number;
  issuer?: string;
  audience?: string;
}

/**
 * `jwt`: the module verifies `Authorization: Bearer` itself.
 * `host`: the host app authenticates; the module reads the Principal with `resolvePrincipal`
 * (default: `request.user`), and answers 401 when there is none.
 */
export type MissionsAuthOptions =
  | ({ mode: 'jwt' } & MissionsJwtOptions)
  | { mode: 'host'; resolvePrincipal?: (request: unknown) => Principal | null | undefined };

/** Which part of the work this process does: serve HTTP, run missions, or both. */
export type MissionsRole = 'api' | 'worker' | 'all';

/**
 * Where missions run. `in-process`: inside the process that started them (a mission whose
 * process died is run again by a live or restarted instance after `recoveryGraceMs`).
 * `bullmq`: as BullMQ jobs on workers in any number of processes, retried, recovered when a
 * worker dies, cancellable from any instance.
 */
export interface MissionsExecutionOptions {
  /** Default `in-process`. */
  mode?: 'in-process' | 'bullmq';
  /** `bullmq` only: `api` enqueues but runs nothing, `worker` runs jobs, `all` both. Default `all`. */
  role?: MissionsRole;
  /** Jobs one worker process runs at once. Default 10. */
  concurrency?: number;
  /** Runs of a handler that throws, the first included, before the mission is FAILED. Default 3. */
  attempts?: number;
  /** First retry delay, doubled on each further retry. Default 1000. */
  backoffMs?: number;
  /** A run longer than this is aborted and the mission FAILED. Default 0 = no limit. */
  timeoutMs?: number;
  /**
   * How long a worker's claim on a job lasts without renewal (renewed every half of it); a dead
   * worker's job is retaken after it. Default 5000: with the stalled check, a mission whose
   * worker died runs again within 10 s. A handler must not block the event loop this long.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. Default 5000. */
  stalledIntervalMs?: number;
  /** How often a worker re-reads the status of its running missions, the backstop of the cancel signal. Default 500. */
  statusCheckMs?: number;
  /** BullMQ queue name. Default `missions`. */
  queueName?: string;
  /**
   * How long a RUNNING mission may go without a job (bullmq) or without its owner process's
   * heartbeat (in-process) before a reconciler re-dispatches it; also how often a RUNNING
   * mission with a job is checked for a run that ended without recording an outcome. Default 5000.
   */
  recoveryGraceMs?: number;
  /** How often each process's reconciler looks for missions due for that check. Default 1000. */
  recoveryIntervalMs?: number;
  /**
   * On shutdown, how long runs in progress may go on to finish. Runs still going after it are
   * aborted, write nothing more and stay RUNNING, and run again elsewhere: on BullMQ once their
   * job's lock expires, in-process once the reconciler finds them without an owner. Default 5000.
   */
  shutdownGraceMs?: number;
  /**
   * A mission whose `data.type` has no registered handler: `fail` ends it FAILED with an
   * `error` log entry naming the type; `demo` runs the old service's demo behaviour (log three
   * entries, then COMPLETED), which its clients rely on. Default `fail`: a typo in a type name
   * must not "succeed".
   */
  missingHandler?: 'fail' | 'demo';
}

/** The statuses a mission ends in; only missions in one of them can be deleted. */
export type FinishedStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

/**
 * Deletes finished missions once they are older than an age per status (counted from when they
 * finished), the same way `DELETE /api/missions/{id}` does, with `reason: "retention"`. A
 * status without an age is kept forever; with no age at all retention is off (the default).
 * Every process with retention on sweeps; they share the work through Redis.
 */
export interface MissionsRetentionOptions {
  /** Seconds a COMPLETED mission is kept. */
  COMPLETED?: number;
  /** Seconds a FAILED mission is kept. */
  FAILED?: number;
  /** Seconds a CANCELLED mission is kept. */
  CANCELLED?: number;
  /** Pause between two sweeps of this process, in ms. Default 1000. */
  sweepIntervalMs?: number;
  /** Most missions one sweep deletes. Default 500. */
  batchSize?: number;
  /** Most tenants one sweep looks at. Default 100. */
  tenantsPerSweep?: number;
}

/** Options of {@link MissionsModule.forRoot} / `forRootAsync`. */
export interface MissionsModuleOptions {
  /**
   * A Redis URL and ioredis options; or Redis Cluster seed nodes and ioredis `ClusterOptions`;
   * or an existing ioredis `Redis` or `Cluster` (not closed by the module).
   */
  redis?:
    | { url?: string; options?: RedisOptions }
    | { cluster: { nodes: RedisClusterNode[]; options?: ClusterOptions } }
    | { client: MissionsRedisClient };
  /** Prefix of every Redis key the module writes. Default `missions:`. */
  keyPrefix?: string;
  auth: MissionsAuthOptions;
  /** Delay between the demo behaviour's steps, in ms. Default 1000. */
  demoStepMs?: number;
  /** Approximate cap of each tenant's durable event stream. Default 10000. */
  eventStreamMaxLen?: number;
  /** How long an Idempotency-Key is remembered, in seconds. Default 86400 (24 h). */
  idempotencyTtlSeconds?: number;
  /** Interval of the `: ping` comments on an idle event stream, in ms. Default 15000. */
  sseHeartbeatMs?: number;
  /**
   * Requests per principal (tenant + sub) per window, counted in Redis so every instance shares
   * the budget; over it the route answers 429 with `Retry-After`. Absent or `points: 0`: off.
   */
  rateLimit?: { points: number; durationSeconds: number };
  execution?: MissionsExecutionOptions;
  retention?: MissionsRetentionOptions;
}

export interface ResolvedRetentionOptions {
  /** Age per finished status, in ms; a status left out is kept forever. */
  agesMs: Partial<Record<FinishedStatus, number>>;
  sweepIntervalMs: number;
  batchSize: number;
  tenantsPerSweep: number;
}

export type ResolvedExecutionOptions = Required<MissionsExecutionOptions>;

export interface ResolvedMissionsOptions {
  redis: RedisConnectionConfig | { client: MissionsRedisClient };
  keyPrefix: string;
  auth: MissionsAuthOptions;
  demoStepMs: number;
  eventStreamMaxLen: number;
  idempotencyTtlSeconds: number;
  sseHeartbeatMs: number;
  /** null when rate limiting is off. */
  rateLimit: { points: number; durationSeconds: number } | null;
  execution: ResolvedExecutionOptions;
  /** null when retention is off (no age set). */
  retention: ResolvedRetentionOptions | null;
}

export class MissionsOptionsError extends Error {
  constructor(message: string) {
    super(`MissionsModule options: ${message}`);
    this.name = 'MissionsOptionsError';
  }
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new MissionsOptionsError(`${name} must be an integer >= ${min}, got ${String(value)}.`);
  }
  return value;
}

/** The key sources a JWT configuration names; exactly one is allowed. */
export function jwtKeySources(options: MissionsJwtOptions): string[] {
  const named = { 'auth.secret': options.secret, 'auth.publicKey': options.publicKey, 'auth.jwksUri': options.jwksUri };
  return Object.entries(named).filter(([, value]) => Boolean(value)).map(([name]) => name);
}

function checkAuth(auth: MissionsAuthOptions | undefined): MissionsAuthOptions {
  if (!auth || (auth.mode !== 'jwt' && auth.mode !== 'host')) {
    throw new MissionsOptionsError(`auth.mode must be 'jwt' or 'host'.`);
  }
  if (auth.mode === 'jwt') {
    const sources = jwtKeySources(auth);
    if (sources.length === 0) {
      throw new MissionsOptionsError(`auth.mode 'jwt' needs auth.secret (HS256), auth.publicKey (PEM, RS256/ES256) or auth.jwksUri.`);
    }
    if (sources.length > 1) {
      throw new MissionsOptionsError(`give one of ${sources.join(', ')}, not several: algorithms are pinned per key source.`);
    }
  }
  return auth;
}

function checkRedis(redis: NonNullable<MissionsModuleOptions['redis']>): ResolvedMissionsOptions['redis'] {
  if ('client' in redis) return { client: redis.client };
  if (!('cluster' in redis)) return { url: redis.url ?? 'redis://127.0.0.1:6379', options: redis.options ?? {} };
  const nodes: unknown = redis.cluster?.nodes;
  const valid = (node: RedisClusterNode): boolean =>
    typeof node?.host === 'string' && node.host !== '' && Number.isInteger(node.port) && node.port >= 1 && node.port <= 65535;
  if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every(valid)) {
    throw new MissionsOptionsError(`redis.cluster.nodes must be a non-empty array of { host, port } (port 1-65535).`);
  }
  return { cluster: { nodes: nodes.map(({ host, port }: RedisClusterNode) => ({ host, port })), options: redis.cluster.options ?? {} } };
}

function checkExecution(execution: MissionsExecutionOptions = {}): ResolvedExecutionOptions {
  const mode = execution.mode ?? 'in-process';
  if (mode !== 'in-process' && mode !== 'bullmq') throw new MissionsOptionsError(`execution.mode must be 'in-process' or 'bullmq'.`);
  const role = execution.role ?? 'all';
  if (!['api', 'worker', 'all'].includes(role)) throw new MissionsOptionsError(`execution.role must be 'api', 'worker' or 'all'.`);
  const queueName = execution.queueName ?? 'missions';
  if (typeof queueName !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(queueName)) {
    throw new MissionsOptionsError(`execution.queueName must be 1-64 characters of A-Z a-z 0-9 . _ -.`);
  }
  const missingHandler = execution.missingHandler ?? 'fail';
  if (missingHandler !== 'fail' && missingHandler !== 'demo') throw new MissionsOptionsError(`execution.missingHandler must be 'fail' or 'demo'.`);
  return {
    mode,
    role,
    queueName,
    missingHandler,
    concurrency: positiveInt('execution.concurrency', execution.concurrency, 10),
    attempts: positiveInt('execution.attempts', execution.attempts, 3),
    backoffMs: positiveInt('execution.backoffMs', execution.backoffMs, 1000, 0),
    timeoutMs: positiveInt('execution.timeoutMs', execution.timeoutMs, 0, 0),
    lockDurationMs: positiveInt('execution.lockDurationMs', execution.lockDurationMs, 5000, 100),
    stalledIntervalMs: positiveInt('execution.stalledIntervalMs', execution.stalledIntervalMs, 5000, 100),
    statusCheckMs: positiveInt('execution.statusCheckMs', execution.statusCheckMs, 500, 50),
    recoveryGraceMs: positiveInt('execution.recoveryGraceMs', execution.recoveryGraceMs, 5000, 100),
    recoveryIntervalMs: positiveInt('execution.recoveryIntervalMs', execution.recoveryIntervalMs, 1000, 50),
    shutdownGraceMs: positiveInt('execution.shutdownGraceMs', execution.shutdownGraceMs, 5000, 0),
  };
}

function checkRateLimit(rateLimit: MissionsModuleOptions['rateLimit']): ResolvedMissionsOptions['rateLimit'] {
  if (!rateLimit || rateLimit.points === 0) return null;
  // No fallbacks: a limit of unknown size or window must not boot as something else.
  const required = (name: keyof typeof rateLimit) => positiveInt(`rateLimit.${name}`, rateLimit[name] ?? NaN, 0);
  return { points: required('points'), durationSeconds: required('durationSeconds') };
}

const FINISHED_STATUSES: readonly FinishedStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** 100 years. */
const MAX_RETENTION_SECONDS = 3_153_600_000;

function checkRetention(retention: MissionsRetentionOptions = {}): ResolvedRetentionOptions | null {
  const agesMs: Partial<Record<FinishedStatus, number>> = {};
  for (const status of FINISHED_STATUSES) {
    const age = retention[status];
    if (age === undefined) continue;
    if (!Number.isInteger(age) || age < 1 || age > MAX_RETENTION_SECONDS) {
      throw new MissionsOptionsError(`retention.${status} must be whole seconds from 1 to ${MAX_RETENTION_SECONDS}, got ${String(age)}; leave it out to keep such missions.`);
    }
    agesMs[status] = age * 1000;
  }
  const unknown = Object.keys(retention).filter((k) => ![...FINISHED_STATUSES, 'sweepIntervalMs', 'batchSize', 'tenantsPerSweep'].includes(k));
  if (unknown.length > 0) throw new MissionsOptionsError(`retention has unknown keys ${unknown.join(', ')}: ages are per COMPLETED, FAILED or CANCELLED.`);
  const resolved = {
    agesMs,
    sweepIntervalMs: positiveInt('retention.sweepIntervalMs', retention.sweepIntervalMs, 1000, 10),
    batchSize: positiveInt('retention.batchSize', retention.batchSize, 500),
    tenantsPerSweep: positiveInt('retention.tenantsPerSweep', retention.tenantsPerSweep, 100),
  };
  return Object.keys(agesMs).length === 0 ? null : resolved;
}

/** Validates options once at boot; throws a {@link MissionsOptionsError} naming the bad setting. */
export function resolveMissionsOptions(options: MissionsModuleOptions): ResolvedMissionsOptions {
  const keyPrefix = options.keyPrefix ?? 'missions:';
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) {
    throw new MissionsOptionsError(`keyPrefix must be a string without '{' or '}' (the module adds its own hash tags).`);
  }
  return {
    redis: checkRedis(options.redis ?? {}),
    keyPrefix,
    auth: checkAuth(options.auth),
    demoStepMs: positiveInt('demoStepMs', options.demoStepMs, 1000, 0),
    eventStreamMaxLen: positiveInt('eventStreamMaxLen', options.eventStreamMaxLen, 10_000),
    idempotencyTtlSeconds: positiveInt('idempotencyTtlSeconds', options.idempotencyTtlSeconds, 86_400),
    sseHeartbeatMs: positiveInt('sseHeartbeatMs', options.sseHeartbeatMs, 15_000),
    rateLimit: checkRateLimit(options.rateLimit),
    execution: checkExecution(options.execution),
    retention: checkRetention(options.retention),
  };
}
