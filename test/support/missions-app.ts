import { type DynamicModule, type INestApplication, type NestApplicationOptions, type Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModule } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadEnv } from '../../src/config/env.js';
import { createFastifyAdapter } from '../../src/http/fastify-adapter.js';
import { configureHttp, type HttpSettings } from '../../src/http/http-setup.js';
import { MissionsModule } from '../../libs/missions/src/missions.module.js';
import type { MissionsModuleOptions } from '../../libs/missions/src/options/missions.options.js';
import type { MissionsRedisClient } from '../../libs/missions/src/store/redis-connection.js';
import { connectTestRedis, deleteKeys, testRedisOptions, uniquePrefix } from './redis-test-keys.js';
import { TEST_SECRET } from './tokens.js';
import { testHttpAdapter } from './http-adapter.js';

export { testHttpAdapter } from './http-adapter.js';

export interface MissionsTestApp {
  app: INestApplication;
  prefix: string;
  /** A client of the spec's own, for assertions on the stored keys. */
  redis: MissionsRedisClient;
  close(): Promise<void>;
}

/**
 * The module as a standalone service would run it, on its own key prefix (or on
 * `overrides.keyPrefix`, to share one with another app, e.g. an API and a worker). `imports` adds
 * modules of the host app (e.g. MetricsModule); `http` sets up the service's HTTP pipeline
 * (`configureHttp`: security headers, body limit, CORS) the way main.ts does, with the
 * environment's defaults for what it leaves out.
 */
export async function startMissionsApp(
  label: string,
  overrides: Partial<MissionsModuleOptions> = {},
  imports: (Type | DynamicModule)[] = [],
  http?: Partial<HttpSettings>,
): Promise<MissionsTestApp> {
  const prefix = overrides.keyPrefix ?? uniquePrefix(label);
  const moduleRef = await Test.createTestingModule({
    imports: [
      EventEmitterModule.forRoot(),
      MissionsModule.forRoot({
        redis: testRedisOptions(),
        keyPrefix: prefix,
        auth: { mode: 'jwt', secret: TEST_SECRET },
        demoStepMs: 20,
        ...overrides,
        // The contract's e2e specs rely on the old service's demo for missions without a handler.
        execution: { missingHandler: 'demo', ...overrides.execution },
      }),
      ...imports,
    ],
  }).compile();
  const app = await createApp(moduleRef, { http: http && { ...defaultHttpSettings(), ...http } });
  const redis = await connectTestRedis();
  return {
    app,
    prefix,
    redis,
    async close() {
      await app.close();
      // An app on another app's prefix (a second instance) leaves the keys to their owner.
      if (overrides.keyPrefix === undefined) await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

const defaultHttpSettings = (): HttpSettings => {
  const { bodyLimitBytes, corsOrigins } = loadEnv({});
  return { bodyLimitBytes, corsOrigins };
};

export interface TestAppSetup {
  /** The service's HTTP pipeline (configureHttp), when given. */
  http?: HttpSettings;
  /** Nest's application options; default: only errors logged. */
  appOptions?: NestApplicationOptions;
  /** Runs before init, after the pipeline is set up (e.g. `app.useLogger`). */
  beforeInit?: (app: INestApplication) => void;
}

/** A compiled testing module as an initialised HTTP app on the adapter of {@link testHttpAdapter}. */
export async function createApp(moduleRef: TestingModule, { http, appOptions = { logger: ['error'] }, beforeInit }: TestAppSetup = {}): Promise<INestApplication> {
  if (testHttpAdapter() === 'express') {
    const app = moduleRef.createNestApplication<NestExpressApplication>(appOptions);
    if (http) configureHttp(app, http);
    beforeInit?.(app);
    await app.init();
    return app;
  }
  const adapter = createFastifyAdapter((http ?? defaultHttpSettings()).bodyLimitBytes);
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, appOptions);
  if (http) configureHttp(app, http);
  beforeInit?.(app);
  await app.init();
  // supertest talks to the raw server, which Fastify only routes once ready.
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
