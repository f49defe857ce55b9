import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, type TestingModule } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter } from '../../src/http/fastify-adapter.js';
import { MissionsModule } from '../../libs/missions/src/missions.module.js';
import type { MissionsModuleOptions } from '../../libs/missions/src/options/missions.options.js';
import type { MissionsRedisClient } from '../../libs/missions/src/store/redis-connection.js';
import { connectTestRedis, deleteKeys, testRedisOptions, uniquePrefix } from './redis-test-keys.js';
import { TEST_SECRET } from './tokens.js';

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
 * modules of the host app (e.g. MetricsModule); `beforeInit` may set up the HTTP pipeline
 * (e.g. `configureHttp`) the way main.ts does.
 */
export async function startMissionsApp(
  label: string,
  overrides: Partial<MissionsModuleOptions> = {},
  imports: (Type | DynamicModule)[] = [],
  beforeInit?: (app: NestExpressApplication) => void,
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
  const app = await createApp(moduleRef, beforeInit);
  const redis = await connectTestRedis();
  return {
    app,
    prefix,
    redis,
    async close() {
      await app.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/**
 * Express by default; MISSIONS_TEST_HTTP_ADAPTER=fastify runs the same specs on the Fastify
 * adapter that HTTP_ADAPTER=fastify selects in main.ts.
 */
async function createApp(
  moduleRef: TestingModule,
  beforeInit?: (app: NestExpressApplication) => void,
): Promise<INestApplication> {
  if (process.env.MISSIONS_TEST_HTTP_ADAPTER !== 'fastify') {
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    beforeInit?.(app);
    await app.init();
    return app;
  }
  const app = moduleRef.createNestApplication<NestFastifyApplication>(await createFastifyAdapter(), { logger: ['error'] });
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
