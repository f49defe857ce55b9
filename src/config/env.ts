import type { LevelWithSilent } from 'pino';
import { jwtVerificationFor } from '../auth/jwt-verification.js';
import { LOG_LEVELS } from '../logging/logger-params.js';
import type { MissionsJwtOptions, MissionsModuleOptions } from '../missions/missions.options.js';
import { parseClusterNodes, type RedisClusterNode } from '../missions/redis-connection.js';

/**
 * Signs and verifies tokens when no key is configured outside production, so `npm start` and
 * `npm run token` work on a fresh clone. scripts/token.mjs holds a copy of this string.
 */
export const DEV_JWT_SECRET = 'missions-dev-secret-not-for-production';

export interface AppEnv {
  port: number;
  redisUrl: string;
  /** Set from REDIS_CLUSTER_NODES: the module then uses a Redis Cluster instead of `redisUrl`. */
  redisClusterNodes?: RedisClusterNode[];
  /** Exactly one of `secret` / `publicKey` is set. */
  jwt: MissionsJwtOptions;
  /** True when `jwt.secret` is {@link DEV_JWT_SECRET}: main.ts should warn. */
  usingDevSecret: boolean;
  keyPrefix: string;
  demoStepMs: number;
  sseHeartbeatMs: number;
  nodeEnv: string;
  logLevel: LevelWithSilent;
  /** Largest JSON request body accepted, in bytes; larger ones answer 413. */
  bodyLimitBytes: number;
  /** Origins allowed by CORS; empty: CORS off. `['*']`: any origin. */
  corsOrigins: string[];
}

// `FOO=` in a .env file means "not set", not "set to the empty string".
function read(raw: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = raw[name]?.trim();
  return value ? value : undefined;
}

function integer(raw: NodeJS.ProcessEnv, name: string, fallback: number, [min, max]: [number, number], errors: string[]): number {
  const value = read(raw, name);
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    errors.push(`${name} must be an integer ${range}, got "${value}".`);
    return fallback;
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 };

function byteSize(raw: NodeJS.ProcessEnv, name: string, fallback: string, errors: string[]): number {
  const value = read(raw, name) ?? fallback;
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(value);
  const bytes = match ? Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] : NaN;
  if (!(bytes >= 1024 && bytes <= 100 * 1024 ** 2)) {
    errors.push(`${name} must be a size from 1kb to 100mb such as "256kb" or "1mb", got "${value}".`);
  }
  return bytes;
}

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

  if (secret && publicKey) errors.push('set JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256/ES256), not both.');
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
  if (production) errors.push('NODE_ENV=production needs a token key: set JWT_SECRET or JWT_PUBLIC_KEY.');
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

/** Reads and validates the standalone service's environment; throws one Error naming every bad variable. */
export function loadEnv(raw: NodeJS.ProcessEnv): AppEnv {
  const errors: string[] = [];
  const nodeEnv = read(raw, 'NODE_ENV') ?? 'development';
  const port = integer(raw, 'PORT', 3000, [1, 65535], errors);
  const redisUrl = read(raw, 'REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) {
    // The URL may carry a password: show it without the userinfo part.
    errors.push(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, '$1***@')}".`);
  }
  const redisClusterNodes = clusterNodes(raw, errors);
  const demoStepMs = integer(raw, 'MISSIONS_DEMO_STEP_MS', 1000, [0, Number.MAX_SAFE_INTEGER], errors);
  const sseHeartbeatMs = integer(raw, 'MISSIONS_SSE_HEARTBEAT_MS', 15_000, [1, 3_600_000], errors);
  const { jwt, usingDevSecret } = jwtSettings(raw, nodeEnv, errors);
  const logLevel = (read(raw, 'LOG_LEVEL') ?? 'info') as LevelWithSilent;
  if (!LOG_LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
  const bodyLimitBytes = byteSize(raw, 'MISSIONS_BODY_LIMIT', '256kb', errors);
  const cors = corsOrigins(raw, errors);

  if (errors.length > 0) throw new Error(`Invalid environment:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  const keyPrefix = read(raw, 'MISSIONS_KEY_PREFIX') ?? 'missions:';
  return { port, redisUrl, redisClusterNodes, jwt, usingDevSecret, keyPrefix, demoStepMs, sseHeartbeatMs, nodeEnv, logLevel, bodyLimitBytes, corsOrigins: cors };
}

export function missionsOptionsFromEnv(env: AppEnv): MissionsModuleOptions {
  return {
    redis: env.redisClusterNodes ? { cluster: { nodes: env.redisClusterNodes } } : { url: env.redisUrl },
    keyPrefix: env.keyPrefix,
    demoStepMs: env.demoStepMs,
    sseHeartbeatMs: env.sseHeartbeatMs,
    auth: { mode: 'jwt', ...env.jwt },
  };
}
