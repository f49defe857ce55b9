import { type INestApplication, type Provider } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { MissionsModule } from '../../src/missions/missions.module.js';
import type { MissionsModuleOptions } from '../../src/missions/missions.options.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './redis-test-keys.js';
import { TEST_SECRET } from './tokens.js';

export interface MissionsTestApp {
  app: INestApplication;
  prefix: string;
  /** A client of the spec's own, for assertions on the stored keys. */
  redis: Redis;
  close(): Promise<void>;
}

export interface MissionsTestAppSetup {
  /** Share another app's key prefix (e.g. an API and a worker on one queue); default a new one. */
  prefix?: string;
  /** Extra providers of the host app, e.g. `@MissionHandler` classes. */
  providers?: Provider[];
}

/** The module as a standalone service would run it, on its own key prefix. */
export async function startMissionsApp(
  label: string,
  overrides: Partial<MissionsModuleOptions> = {},
  setup: MissionsTestAppSetup = {},
): Promise<MissionsTestApp> {
  const prefix = setup.prefix ?? uniquePrefix(label);
  const moduleRef = await Test.createTestingModule({
    providers: setup.providers ?? [],
    imports: [
      EventEmitterModule.forRoot(),
      MissionsModule.forRoot({
        redis: { url: testRedisUrl() },
        keyPrefix: prefix,
        auth: { mode: 'jwt', secret: TEST_SECRET },
        demoStepMs: 20,
        ...overrides,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  const redis = new Redis(testRedisUrl());
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
