import { jwtVerificationFor } from '../auth/jwt-verification.js';
import type { MissionsExecutionOptions, MissionsJwtOptions, MissionsModuleOptions, MissionsRole } from '../missions/missions.options.js';

/**
 * Signs and verifies tokens when no key is configured outside production, so `npm start` and
 * `npm run token` work on a fresh clone. scripts/token.mjs holds a copy of this string.
 */
export const DEV_JWT_SECRET = 'missions-dev-secret-not-for-production';

export interface AppEnv {
  port: number;
  redisUrl: string;
  /** Exactly one of `secret` / `publicKey` is set. */
  jwt: MissionsJwtOptions;
  /** True when `jwt.secret` is {@link DEV_JWT_SECRET}: main.ts should warn. */
  usingDevSecret: boolean;
  keyPrefix: string;
  demoStepMs: number;
  sseHeartbeatMs: number;
  nodeEnv: string;
  /** `worker` serves no HTTP; main.ts reads it. */
  role: MissionsRole;
  execution: MissionsExecutionOptions;
}

const ROLES: readonly MissionsRole[] = ['api', 'worker', 'all'];
const MAX = Number.MAX_SAFE_INTEGER;

function executionSettings(raw: NodeJS.ProcessEnv, errors: string[]): { role: MissionsRole; execution: MissionsExecutionOptions } {
  const role = (read(raw, 'MISSIONS_ROLE') ?? 'all') as MissionsRole;
  if (!ROLES.includes(role)) errors.push(`MISSIONS_ROLE must be one of ${ROLES.join(', ')}, got "${role}".`);
  return {
    role,
    execution: {
      mode: 'bullmq',
      role,
      concurrency: integer(raw, 'MISSIONS_WORKER_CONCURRENCY', 10, [1, 1000], errors),
      attempts: integer(raw, 'MISSIONS_JOB_ATTEMPTS', 3, [1, 100], errors),
      backoffMs: integer(raw, 'MISSIONS_JOB_BACKOFF_MS', 1000, [0, MAX], errors),
      timeoutMs: integer(raw, 'MISSIONS_JOB_TIMEOUT_MS', 0, [0, MAX], errors),
      lockDurationMs: integer(raw, 'MISSIONS_JOB_LOCK_MS', 30_000, [100, MAX], errors),
      stalledIntervalMs: integer(raw, 'MISSIONS_STALLED_INTERVAL_MS', 30_000, [100, MAX], errors),
    },
  };
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
  const demoStepMs = integer(raw, 'MISSIONS_DEMO_STEP_MS', 1000, [0, Number.MAX_SAFE_INTEGER], errors);
  const sseHeartbeatMs = integer(raw, 'MISSIONS_SSE_HEARTBEAT_MS', 15_000, [1, 3_600_000], errors);
  const { jwt, usingDevSecret } = jwtSettings(raw, nodeEnv, errors);
  const { role, execution } = executionSettings(raw, errors);

  if (errors.length > 0) throw new Error(`Invalid environment:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  const keyPrefix = read(raw, 'MISSIONS_KEY_PREFIX') ?? 'missions:';
  return { port, redisUrl, jwt, usingDevSecret, keyPrefix, demoStepMs, sseHeartbeatMs, nodeEnv, role, execution };
}

export function missionsOptionsFromEnv(env: AppEnv): MissionsModuleOptions {
  return {
    redis: { url: env.redisUrl },
    keyPrefix: env.keyPrefix,
    demoStepMs: env.demoStepMs,
    sseHeartbeatMs: env.sseHeartbeatMs,
    auth: { mode: 'jwt', ...env.jwt },
    execution: env.execution,
  };
}
