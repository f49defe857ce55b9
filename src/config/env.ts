import type { LevelWithSilent } from 'pino';
import { jwtVerificationFor } from 'missions';
import { LOG_LEVELS } from '../logging/logging.options.js';
import { allowListFrom } from '../metrics/metrics-access.guard.js';
import { DEFAULT_METRICS_ALLOW, type MetricsModuleOptions } from '../metrics/metrics.options.js';
import type { MissionsExecutionOptions, MissionsJwtOptions, MissionsModuleOptions, MissionsRetentionOptions, MissionsRole } from 'missions';
import { executionSettings, retentionSettings } from './execution-env.js';
import { byteSize, integer, read } from './env-values.js';
import { parseClusterNodes, type RedisClusterNode, type RedisConnectionConfig } from 'missions';

/**
 * Signs and verifies tokens when no key is configured outside production, so `npm start` and
 * `npm run token` work on a fresh clone. scripts/token.mjs holds a copy of this string.
 */
export const DEV_JWT_SECRET = 'missions-dev-secret-not-for-production';

/** Where the service's store is: what a tool working on it (npm run import:seed) reads too. */
export interface StoreEnv {
  redisUrl: string;
  /** Set from REDIS_CLUSTER_NODES: the module then uses a Redis Cluster instead of `redisUrl`. */
  redisClusterNodes?: RedisClusterNode[];
  /** Bound on every Redis command of the missions client, in ms. */
  redisCommandTimeoutMs: number;
  keyPrefix: string;
}

export interface AppEnv extends StoreEnv {
  port: number;
  /** Exactly one of `secret` / `publicKey` / `jwksUri` is set. */
  jwt: MissionsJwtOptions;
  /** True when `jwt.secret` is {@link DEV_JWT_SECRET}: main.ts should warn. */
  usingDevSecret: boolean;
  demoStepMs: number;
  sseHeartbeatMs: number;
  nodeEnv: string;
  logLevel: LevelWithSilent;
  /** Largest JSON request body accepted, in bytes; larger ones answer 413. */
  bodyLimitBytes: number;
  /** Origins allowed by CORS; empty: CORS off. `['*']`: any origin. */
  corsOrigins: string[];
  metrics: MetricsModuleOptions;
  /** After SIGTERM, how long requests in flight may take before they are cut. */
  shutdownGraceMs: number;
  /** Requests per principal per window; `points: 0` is off. */
  rateLimit: { points: number; durationSeconds: number };
  /** The HTTP server under Nest: Fastify by default; see BENCHMARKS.md for how they compare. */
  httpAdapter: HttpAdapterName;
  /** `worker` serves no HTTP; main.ts reads it. */
  role: MissionsRole;
  /** With `role: worker`, the port of its `/health/*` probes; null: none. */
  workerHealthPort: number | null;
  execution: MissionsExecutionOptions;
  /** Ages per finished status (absent: kept forever) and the sweeper's pace. */
  retention: MissionsRetentionOptions;
}

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

function corsOrigins(raw: NodeJS.ProcessEnv, errors: string[]): string[] {
  const origins = (read(raw, 'CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.includes('*')) {
    if (origins.length > 1) errors.push('CORS_ORIGINS: "*" allows every origin and cannot be combined with others.');
    return origins;
  }
  for (const origin of origins) {
    // An origin is scheme://host[:port] exactly: a path or trailing slash never matches a browser's Origin header.
    const valid = URL.canParse(origin) && /^https?:$/.test(new URL(origin).protocol) && new URL(origin).origin === origin;
    if (!valid) errors.push(`CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com or http://localhost:5173.`);
  }
  return origins;
}

function jwtSettings(raw: NodeJS.ProcessEnv, nodeEnv: string, errors: string[]): { jwt: MissionsJwtOptions; usingDevSecret: boolean } {
  const secret = read(raw, 'JWT_SECRET');
  // A PEM squeezed onto one line of a .env file or a CI secret arrives with literal "\n".
  const publicKey = read(raw, 'JWT_PUBLIC_KEY')?.replace(/\\n/g, '\n');
  const common = { issuer: read(raw, 'JWT_ISSUER'), audience: read(raw, 'JWT_AUDIENCE') };
  const production = nodeEnv === 'production';

  const jwksUri = read(raw, 'JWT_JWKS_URI');
  if ([secret, publicKey, jwksUri].filter(Boolean).length > 1) {
    errors.push('set one of JWT_SECRET (HS256), JWT_PUBLIC_KEY (RS256/ES256) or JWT_JWKS_URI, not both or all.');
  }
  if (!jwksUri && read(raw, 'JWT_ALGORITHMS')) errors.push('JWT_ALGORITHMS applies only with JWT_JWKS_URI (a secret or a public key pins its own algorithm).');
  if (jwksUri) {
    // Comma-separated, e.g. "RS256,ES256"; checked (RS256/ES256 only) with the URL below.
    const algorithms = (read(raw, 'JWT_ALGORITHMS') ?? 'RS256').split(',').map((a) => a.trim()) as MissionsJwtOptions['algorithms'];
    try {
      jwtVerificationFor({ jwksUri, algorithms });
    } catch (error) {
      errors.push(`JWT_JWKS_URI / JWT_ALGORITHMS: ${(error as Error).message}`);
    }
    return { jwt: { jwksUri, algorithms, ...common }, usingDevSecret: false };
  }
  if (publicKey) {
    try {
      jwtVerificationFor({ publicKey });
    } catch (error) {
      errors.push(`JWT_PUBLIC_KEY: ${(error as Error).message}`);
    }
    return { jwt: { publicKey, ...common }, usingDevSecret: false };
  }
  if (secret) {
    if (production && secret === DEV_JWT_SECRET) errors.push('JWT_SECRET is the public development secret; set a real one in production.');
    return { jwt: { secret, ...common }, usingDevSecret: secret === DEV_JWT_SECRET };
  }
  if (production) errors.push('NODE_ENV=production needs a token key: set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URI.');
  return { jwt: { secret: DEV_JWT_SECRET, ...common }, usingDevSecret: true };
}

function clusterNodes(raw: NodeJS.ProcessEnv, errors: string[]): RedisClusterNode[] | undefined {
  const list = read(raw, 'REDIS_CLUSTER_NODES');
  if (list === undefined) return undefined;
  if (read(raw, 'REDIS_URL')) errors.push('set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both.');
  try {
    return parseClusterNodes(list);
  } catch (error) {
    errors.push(`REDIS_CLUSTER_NODES must be host:port,host:port,… (${(error as Error).message}).`);
    return undefined;
  }
}

// METRICS_ALLOW: comma-separated addresses / CIDR ranges, or `none` for token-only access.
function metricsSettings(raw: NodeJS.ProcessEnv, errors: string[]): MetricsModuleOptions {
  const listed = read(raw, 'METRICS_ALLOW');
  const allow = listed === undefined ? DEFAULT_METRICS_ALLOW : listed === 'none' ? [] : listed.split(',').map((e) => e.trim()).filter(Boolean);
  try {
    allowListFrom(allow);
  } catch (error) {
    errors.push(`METRICS_ALLOW: ${(error as Error).message}.`);
  }
  return { token: read(raw, 'METRICS_TOKEN'), allow };
}

function storeSettings(raw: NodeJS.ProcessEnv, errors: string[]): StoreEnv {
  const redisUrl = read(raw, 'REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) {
    // The URL may carry a password: show it without the userinfo part.
    errors.push(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, '$1***@')}".`);
  }
  return {
    redisUrl,
    redisClusterNodes: clusterNodes(raw, errors),
    redisCommandTimeoutMs: integer(raw, 'REDIS_COMMAND_TIMEOUT_MS', 500, [1, 60_000], errors),
    keyPrefix: read(raw, 'MISSIONS_KEY_PREFIX') ?? 'missions:',
  };
}

function failOn(errors: string[]): void {
  if (errors.length > 0) throw new Error(`Invalid environment:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
}

/** The store part of the environment alone (Redis and key prefix); throws one Error naming every bad variable. */
export function loadStoreEnv(raw: NodeJS.ProcessEnv): StoreEnv {
  const errors: string[] = [];
  const store = storeSettings(raw, errors);
  failOn(errors);
  return store;
}

/** Reads and validates the standalone service's environment; throws one Error naming every bad variable. */
export function loadEnv(raw: NodeJS.ProcessEnv): AppEnv {
  const errors: string[] = [];
  const nodeEnv = read(raw, 'NODE_ENV') ?? 'development';
  const port = integer(raw, 'PORT', 3000, [1, 65535], errors);
  const store = storeSettings(raw, errors);
  const demoStepMs = integer(raw, 'MISSIONS_DEMO_STEP_MS', 1000, [0, Number.MAX_SAFE_INTEGER], errors);
  const sseHeartbeatMs = integer(raw, 'MISSIONS_SSE_HEARTBEAT_MS', 15_000, [1, 3_600_000], errors);
  const { jwt, usingDevSecret } = jwtSettings(raw, nodeEnv, errors);
  const logLevel = (read(raw, 'LOG_LEVEL') ?? 'info') as LevelWithSilent;
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
  const bodyLimitBytes = byteSize(raw, 'MISSIONS_BODY_LIMIT', '256kb', errors);
  const cors = corsOrigins(raw, errors);

  const metrics = metricsSettings(raw, errors);
  const shutdownGraceMs = integer(raw, 'SHUTDOWN_GRACE_MS', 10_000, [0, 600_000], errors);
  const rateLimit = {
    points: integer(raw, 'RATE_LIMIT_POINTS', 0, [0, 1_000_000_000], errors),
    durationSeconds: integer(raw, 'RATE_LIMIT_DURATION_S', 60, [1, 86_400], errors),
  };
  const httpAdapter = (read(raw, 'HTTP_ADAPTER') ?? 'fastify').toLowerCase();
  if (!(HTTP_ADAPTERS as readonly string[]).includes(httpAdapter)) {
    errors.push(`HTTP_ADAPTER must be one of ${HTTP_ADAPTERS.join(', ')}, got "${httpAdapter}".`);
  }

  const { role, execution } = executionSettings(raw, errors);
  const retention = retentionSettings(raw, errors);
  const workerHealthPort = read(raw, 'WORKER_HEALTH_PORT') === undefined ? null : integer(raw, 'WORKER_HEALTH_PORT', 0, [1, 65535], errors);

  failOn(errors);
  return {
    ...store, port, jwt, usingDevSecret, demoStepMs, sseHeartbeatMs, nodeEnv,
    logLevel, bodyLimitBytes, corsOrigins: cors, metrics, rateLimit, shutdownGraceMs, role, execution, workerHealthPort, retention,
    httpAdapter: httpAdapter as HttpAdapterName,
  };
}

/** One Redis or a Cluster, each command bounded by REDIS_COMMAND_TIMEOUT_MS. */
export function redisConfigFromEnv(env: StoreEnv): RedisConnectionConfig {
  return env.redisClusterNodes
    ? { cluster: { nodes: env.redisClusterNodes, options: { redisOptions: { commandTimeout: env.redisCommandTimeoutMs } } } }
    : { url: env.redisUrl, options: { commandTimeout: env.redisCommandTimeoutMs } };
}

export function missionsOptionsFromEnv(env: AppEnv): MissionsModuleOptions {
  return {
    redis: redisConfigFromEnv(env),
    keyPrefix: env.keyPrefix,
    demoStepMs: env.demoStepMs,
    sseHeartbeatMs: env.sseHeartbeatMs,
    auth: { mode: 'jwt', ...env.jwt },
    rateLimit: env.rateLimit,
    execution: env.execution,
    retention: env.retention,
  };
}
