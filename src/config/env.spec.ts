import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { resolveMissionsOptions } from 'missions';
import { DEV_JWT_SECRET, loadEnv, missionsOptionsFromEnv } from './env.js';

const spki = { type: 'spki', format: 'pem' } as const;
const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;
const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });

describe(loadEnv.name, () => {
  it('should apply the defaults, with the dev secret outside production', () => {
    expect(loadEnv({})).toEqual({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      redisCommandTimeoutMs: 500,
      jwt: { secret: DEV_JWT_SECRET, issuer: undefined, audience: undefined },
      usingDevSecret: true,
      keyPrefix: 'missions:',
      demoStepMs: 1000,
      sseHeartbeatMs: 15000,
      nodeEnv: 'development',
      logLevel: 'info',
      bodyLimitBytes: 256 * 1024,
      corsOrigins: [],
      metrics: { token: undefined, allow: ['127.0.0.0/8', '::1'] },
      rateLimit: { points: 0, durationSeconds: 60 },
      shutdownGraceMs: 10_000,
      httpAdapter: 'fastify',
      role: 'all',
      workerHealthPort: null,
      execution: {
        mode: 'bullmq', role: 'all', missingHandler: 'demo', concurrency: 10, attempts: 3, backoffMs: 1000, timeoutMs: 0,
        lockDurationMs: 5000, stalledIntervalMs: 5000, recoveryGraceMs: 5000, recoveryIntervalMs: 1000,
      },
      retention: { COMPLETED: undefined, FAILED: undefined, CANCELLED: undefined, sweepIntervalMs: 1000, batchSize: 500 },
    });
  });

  it('should read every variable', () => {
    const sut = loadEnv({
      PORT: '8080', REDIS_URL: 'rediss://cache:6380', JWT_SECRET: 'real', JWT_ISSUER: 'iss', JWT_AUDIENCE: 'aud',
      MISSIONS_KEY_PREFIX: 'm:', MISSIONS_DEMO_STEP_MS: '0', MISSIONS_SSE_HEARTBEAT_MS: '5000', NODE_ENV: 'production',
      LOG_LEVEL: 'debug', MISSIONS_BODY_LIMIT: '1mb', CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      REDIS_COMMAND_TIMEOUT_MS: '250', METRICS_TOKEN: 'scrape', METRICS_ALLOW: '10.0.0.0/8, 192.168.1.7',
      RATE_LIMIT_POINTS: '100', RATE_LIMIT_DURATION_S: '10', SHUTDOWN_GRACE_MS: '2500', MISSIONS_ROLE: 'worker', HTTP_ADAPTER: 'Express', WORKER_HEALTH_PORT: '9464',
      MISSIONS_WORKER_CONCURRENCY: '4', MISSIONS_JOB_ATTEMPTS: '5', MISSIONS_JOB_BACKOFF_MS: '200', MISSIONS_JOB_TIMEOUT_MS: '60000',
      MISSIONS_JOB_LOCK_MS: '5000', MISSIONS_STALLED_INTERVAL_MS: '2000', MISSIONS_MISSING_HANDLER: 'fail',
      MISSIONS_RETENTION_COMPLETED_S: '86400', MISSIONS_RETENTION_FAILED_S: '0', MISSIONS_RETENTION_CANCELLED_S: '3600',
      MISSIONS_RETENTION_SWEEP_MS: '250', MISSIONS_RETENTION_BATCH: '50',
      MISSIONS_EXECUTION_MODE: 'in-process', MISSIONS_RECOVERY_GRACE_MS: '3000', MISSIONS_RECOVERY_INTERVAL_MS: '250',
    });
    expect(sut).toEqual({
      port: 8080, redisUrl: 'rediss://cache:6380', redisCommandTimeoutMs: 250, jwt: { secret: 'real', issuer: 'iss', audience: 'aud' },
      usingDevSecret: false, keyPrefix: 'm:', demoStepMs: 0, sseHeartbeatMs: 5000, nodeEnv: 'production', logLevel: 'debug',
      bodyLimitBytes: 1024 ** 2, corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      metrics: { token: 'scrape', allow: ['10.0.0.0/8', '192.168.1.7'] },
      rateLimit: { points: 100, durationSeconds: 10 },
      shutdownGraceMs: 2500, httpAdapter: 'express',
      role: 'worker',
      workerHealthPort: 9464,
      execution: {
        mode: 'in-process', role: 'worker', missingHandler: 'fail', concurrency: 4, attempts: 5, backoffMs: 200, timeoutMs: 60_000,
        lockDurationMs: 5000, stalledIntervalMs: 2000, recoveryGraceMs: 3000, recoveryIntervalMs: 250,
      },
      retention: { COMPLETED: 86_400, FAILED: undefined, CANCELLED: 3600, sweepIntervalMs: 250, batchSize: 50 },
    });
  });

  it('should name every bad retention variable, and give the module what it accepts', () => {
    expect(() => loadEnv({ MISSIONS_RETENTION_FAILED_S: '1h', MISSIONS_RETENTION_BATCH: '0', MISSIONS_RETENTION_SWEEP_MS: '5' })).toThrow(
      /MISSIONS_RETENTION_FAILED_S must be an integer from 0 to 3153600000, got "1h"[\s\S]*MISSIONS_RETENTION_SWEEP_MS[\s\S]*MISSIONS_RETENTION_BATCH/,
    );
    const options = missionsOptionsFromEnv(loadEnv({ MISSIONS_RETENTION_CANCELLED_S: '60' }));
    expect(resolveMissionsOptions(options).retention).toEqual({ agesMs: { CANCELLED: 60_000 }, sweepIntervalMs: 1000, batchSize: 500, tenantsPerSweep: 100 });
    expect(resolveMissionsOptions(missionsOptionsFromEnv(loadEnv({}))).retention).toBeNull();
  });

  it('should name every bad execution variable', () => {
    const bad = {
      MISSIONS_MISSING_HANDLER: 'ignore', MISSIONS_ROLE: 'web', MISSIONS_EXECUTION_MODE: 'kafka', MISSIONS_WORKER_CONCURRENCY: '0',
      MISSIONS_JOB_ATTEMPTS: 'x', MISSIONS_JOB_LOCK_MS: '10', MISSIONS_RECOVERY_GRACE_MS: '50',
    };
    expect(() => loadEnv(bad)).toThrow(new RegExp([
      'MISSIONS_ROLE must be one of api, worker, all, got "web"', 'MISSIONS_EXECUTION_MODE must be one of bullmq, in-process, got "kafka"',
      'MISSIONS_MISSING_HANDLER must be demo or fail, got "ignore"',
      'MISSIONS_WORKER_CONCURRENCY', 'MISSIONS_JOB_ATTEMPTS', 'MISSIONS_JOB_LOCK_MS', 'MISSIONS_RECOVERY_GRACE_MS',
    ].join('[\\s\\S]*')));
  });

  it('should treat empty variables as unset', () => {
    expect(loadEnv({ PORT: '', JWT_SECRET: ' ', MISSIONS_KEY_PREFIX: '' })).toMatchObject({ port: 3000, usingDevSecret: true, keyPrefix: 'missions:' });
  });

  it('should turn \\n escapes of JWT_PUBLIC_KEY into newlines', () => {
    const sut = loadEnv({ NODE_ENV: 'production', JWT_PUBLIC_KEY: publicKey.replace(/\n/g, '\\n') });
    expect(sut.jwt).toEqual({ publicKey, issuer: undefined, audience: undefined });
    expect(sut.usingDevSecret).toBe(false);
  });

  it('should refuse production without a key, naming both variables', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow('set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URI');
  });

  it('should refuse the dev secret itself in production', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(/development secret/);
  });

  it('should refuse both a secret and a public key', () => {
    expect(() => loadEnv({ JWT_SECRET: 's', JWT_PUBLIC_KEY: publicKey })).toThrow(/not both/);
    expect(() => loadEnv({ JWT_SECRET: 's', JWT_JWKS_URI: 'https://id.test/jwks' })).toThrow(/not both/);
  });

  it('should read a JWKS URL with RS256 pinned by default, or the algorithms listed', () => {
    expect(loadEnv({ NODE_ENV: 'production', JWT_JWKS_URI: 'https://id.test/jwks' }).jwt).toMatchObject({ jwksUri: 'https://id.test/jwks', algorithms: ['RS256'] });
    expect(loadEnv({ JWT_JWKS_URI: 'https://id.test/jwks', JWT_ALGORITHMS: 'RS256, ES256' }).jwt.algorithms).toEqual(['RS256', 'ES256']);
  });

  it.each(['HS256', 'none', 'RS256,PS256'])('should refuse JWT_ALGORITHMS=%s with a JWKS', (algorithms) => {
    expect(() => loadEnv({ JWT_JWKS_URI: 'https://id.test/jwks', JWT_ALGORITHMS: algorithms })).toThrow(/JWT_ALGORITHMS: .*RS256 and\/or ES256/);
  });

  it('should refuse JWT_ALGORITHMS without a JWKS URL', () => {
    expect(() => loadEnv({ JWT_SECRET: 's', JWT_ALGORITHMS: 'RS256' })).toThrow(/JWT_ALGORITHMS applies only with JWT_JWKS_URI/);
  });

  it('should refuse a JWKS URL that is not http(s)', () => {
    expect(() => loadEnv({ JWT_JWKS_URI: 'file:///etc/jwks.json' })).toThrow(/must be an http\(s\) URL/);
  });

  it('should refuse a public key of an unsupported type', () => {
    const { publicKey: ed } = generateKeyPairSync('ed25519', { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });
    expect(() => loadEnv({ JWT_PUBLIC_KEY: ed })).toThrow(/JWT_PUBLIC_KEY: .*ed25519/);
  });

  it('should list every bad variable in one error', () => {
    const error = (() => {
      try {
        loadEnv({ PORT: '70000', REDIS_URL: 'http://user:pw@host', MISSIONS_DEMO_STEP_MS: '-5', NODE_ENV: 'production' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/PORT must be an integer from 1 to 65535, got "70000"/);
    expect(error).toMatch(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    expect(error).toMatch(/MISSIONS_DEMO_STEP_MS must be an integer >= 0, got "-5"/);
    expect(error).toMatch(/set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URI/);
    expect(error).not.toContain('pw');
  });

  it('should read REDIS_CLUSTER_NODES as cluster seed nodes', () => {
    const sut = loadEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002' });
    expect(sut.redisClusterNodes).toEqual([{ host: '10.0.0.1', port: 7000 }, { host: 'redis-b', port: 7001 }, { host: '::1', port: 7002 }]);
  });

  it.each(['10.0.0.1', 'a:0', 'a:70000', 'a:7000,,b:7001'])('should refuse REDIS_CLUSTER_NODES=%s', (nodes) => {
    expect(() => loadEnv({ REDIS_CLUSTER_NODES: nodes })).toThrow(/REDIS_CLUSTER_NODES must be host:port,host:port/);
  });

  it('should refuse REDIS_URL and REDIS_CLUSTER_NODES together', () => {
    expect(() => loadEnv({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'a:7000' })).toThrow(/REDIS_URL .* or REDIS_CLUSTER_NODES .*not both/);
  });

  it.each(['0', '-1', '3600001', '1.5'])('should refuse MISSIONS_SSE_HEARTBEAT_MS=%s', (value) => {
    expect(() => loadEnv({ MISSIONS_SSE_HEARTBEAT_MS: value })).toThrow(/MISSIONS_SSE_HEARTBEAT_MS must be an integer from 1 to 3600000/);
  });

  it.each(['verbose', 'INFO', 'warning'])('should refuse LOG_LEVEL=%s, listing the levels', (level) => {
    expect(() => loadEnv({ LOG_LEVEL: level })).toThrow(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${level}"`);
  });

  it.each([['65536', 65536], ['64kb', 65536], ['2MB', 2 * 1024 ** 2], ['512 kb', 512 * 1024]])('should read MISSIONS_BODY_LIMIT=%s', (limit, bytes) => {
    expect(loadEnv({ MISSIONS_BODY_LIMIT: limit }).bodyLimitBytes).toBe(bytes);
  });

  it.each(['10', '0kb', '1gb', '256k', '-1kb', '101mb'])('should refuse MISSIONS_BODY_LIMIT=%s', (limit) => {
    expect(() => loadEnv({ MISSIONS_BODY_LIMIT: limit })).toThrow(`MISSIONS_BODY_LIMIT must be a size from 1kb to 100mb such as "256kb" or "1mb", got "${limit}"`);
  });

  it('should read CORS_ORIGINS="*" as every origin', () => {
    expect(loadEnv({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it.each(['https://app.example.com/', 'app.example.com', 'ftp://files.example.com', 'https://a.example.com/path', '*,https://a.example.com'])(
    'should refuse CORS_ORIGINS=%s',
    (origins) => {
      expect(() => loadEnv({ CORS_ORIGINS: origins })).toThrow(/CORS_ORIGINS: /);
    },
  );

  it('should read METRICS_ALLOW=none as token-only access', () => {
    expect(loadEnv({ METRICS_ALLOW: 'none' }).metrics.allow).toEqual([]);
  });

  it.each(['localhost', '10.0.0.0/abc', '10.0.0.300'])('should refuse METRICS_ALLOW=%s', (allow) => {
    expect(() => loadEnv({ METRICS_ALLOW: allow })).toThrow(/METRICS_ALLOW: not an IP address or CIDR range/);
  });

  it.each(['0', '70000', 'x'])('should refuse WORKER_HEALTH_PORT=%s', (port) => {
    expect(() => loadEnv({ WORKER_HEALTH_PORT: port })).toThrow(/WORKER_HEALTH_PORT must be an integer from 1 to 65535/);
  });

  it('should refuse an unknown HTTP_ADAPTER, naming the choices', () => {
    expect(() => loadEnv({ HTTP_ADAPTER: 'koa' })).toThrow('HTTP_ADAPTER must be one of express, fastify, got "koa".');
  });

  it.each(['0', '3000.5', 'abc', '1e3'])('should refuse PORT=%s', (port) => {
    expect(() => loadEnv({ PORT: port })).toThrow(/PORT/);
  });
});

describe(missionsOptionsFromEnv.name, () => {
  it('should build module options that pass the module validation', () => {
    const sut = missionsOptionsFromEnv(loadEnv({ JWT_SECRET: 'real', JWT_ISSUER: 'iss', MISSIONS_DEMO_STEP_MS: '20' }));
    expect(sut).toEqual({
      redis: { url: 'redis://127.0.0.1:6379', options: { commandTimeout: 500 } }, keyPrefix: 'missions:', demoStepMs: 20, sseHeartbeatMs: 15000,
      auth: { mode: 'jwt', secret: 'real', issuer: 'iss', audience: undefined },
      rateLimit: { points: 0, durationSeconds: 60 },
      execution: expect.objectContaining({ mode: 'bullmq', role: 'all' }),
      retention: expect.objectContaining({ COMPLETED: undefined }),
    });
    expect(resolveMissionsOptions(sut).auth).toMatchObject({ mode: 'jwt', secret: 'real' });
  });

  it('should configure a Redis Cluster from REDIS_CLUSTER_NODES', () => {
    const sut = resolveMissionsOptions(missionsOptionsFromEnv(loadEnv({ REDIS_CLUSTER_NODES: 'a:7000,b:7001' })));
    expect(sut.redis).toEqual({
      cluster: { nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }], options: { redisOptions: { commandTimeout: 500 } } },
    });
  });
});

describe('scripts/token.mjs', () => {
  const script = fileURLToPath(new URL('../../scripts/token.mjs', import.meta.url));
  // Without Jest's NODE_OPTIONS; explicit JWT_* win over any .env in the repository.
  const env = { PATH: process.env.PATH, JWT_SECRET: 'real', JWT_ISSUER: 'iss', JWT_AUDIENCE: 'aud' };

  it('should hold the same dev secret as DEV_JWT_SECRET', () => {
    expect(readFileSync(script, 'utf8')).toContain(`const DEV_JWT_SECRET = '${DEV_JWT_SECRET}';`);
  });

  it('should print only a token that the configured verification accepts', () => {
    const stdout = execFileSync(process.execPath, [script, '--sub', 'alice', '--tenant', 'acme', '--roles', 'a,b', '--app', 'my-app', '--ttl', '15m'], {
      env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    const claims = jwt.verify(stdout.trim(), 'real', { algorithms: ['HS256'], issuer: 'iss', audience: 'aud' }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'alice', tenant_id: 'acme', app_id: 'my-app', roles: ['a', 'b'] });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('should exit 2 with usage on stderr and nothing on stdout for a bad --ttl', () => {
    const sut = spawnSync(process.execPath, [script, '--sub', 'alice', '--ttl', '1w'], { env, encoding: 'utf8' });
    expect(sut.status).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toMatch(/--ttl .*usage: npm run token/s);
  });
});
