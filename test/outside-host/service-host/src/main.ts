import 'reflect-metadata';
import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  MissionHandlerRegistry,
  MissionsModule,
  MissionsService,
  OptionalPeerMissingError,
  type MissionsModuleOptions,
  type MissionStatus,
  type Principal,
} from 'missions';

// A CommonJS host (no "type": "module"): tsc turns these imports into require('missions'),
// which loads the ESM library through Node's require(esm). It uses MissionsService only:
// no routes, in-process execution, host auth; neither bullmq nor passport is installed.
const principal: Principal = { principal_id: 'nightly-batch', tenant_id: 'service-host', app_id: null, roles: [] };
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const keyPrefix = process.env['MISSIONS_KEY_PREFIX'] ?? 'service-host:';

@Injectable()
class ReportHandlers implements OnModuleInit {
  constructor(private readonly registry: MissionHandlerRegistry) {}

  onModuleInit(): void {
    this.registry.register('report', async (ctx) => {
      await ctx.log('info', 'report built', { rows: 3 });
      return { rows: 3 };
    });
  }
}

@Module({})
class ServiceHostModule {
  static with(options: Partial<MissionsModuleOptions>): DynamicModule {
    return {
      module: ServiceHostModule,
      imports: [
        EventEmitterModule.forRoot(),
        MissionsModule.forRoot({ redis: { url: redisUrl }, keyPrefix, auth: { mode: 'host' }, routes: false, ...options }),
      ],
      providers: [ReportHandlers],
    };
  }
}

async function until(service: MissionsService, id: string, status: MissionStatus): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 20_000; await sleep(50)) {
    if ((await service.get(principal, id)).status === status) return;
  }
  throw new Error(`mission ${id} did not reach ${status}`);
}

async function bootFails(options: Partial<MissionsModuleOptions>): Promise<unknown> {
  try {
    const app = await NestFactory.createApplicationContext(ServiceHostModule.with(options), { logger: false, abortOnError: false });
    await app.close();
  } catch (error) {
    return error;
  }
  throw new Error(`boot with ${JSON.stringify(options)} should have failed`);
}

async function main(): Promise<void> {
  const app = await NestFactory.create(ServiceHostModule.with({}), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };

  const service = app.get(MissionsService);
  const { mission } = await service.create(principal, { name: 'nightly report', data: { type: 'report' } });
  await service.execute(principal, mission.id);
  await until(service, mission.id, 'COMPLETED');
  const log = await service.readLog(principal, mission.id, 0, 100);
  assert.ok(log.entries.some((entry) => entry.message === 'report built'), 'the handler ran');
  console.log(`ok service-host: mission ${mission.id} COMPLETED through MissionsService (in-process)`);

  const routes = await fetch(`http://127.0.0.1:${address.port}/api/missions`);
  assert.equal(routes.status, 404, 'routes: false serves no missions route');
  console.log('ok service-host: routes: false, GET /api/missions answers 404');
  await app.close();

  const bullmq = await bootFails({ execution: { mode: 'bullmq' } });
  assert.ok(bullmq instanceof OptionalPeerMissingError, `bullmq mode without bullmq: ${String(bullmq)}`);
  assert.deepEqual(bullmq.packages, ['bullmq']);
  const jwt = await bootFails({ auth: { mode: 'jwt', secret: 'not-used-here' } });
  assert.ok(jwt instanceof OptionalPeerMissingError, `jwt mode without passport: ${String(jwt)}`);
  console.log(`ok service-host: optional peers missing fail the boot by name ("${bullmq.message}")`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('FAIL service-host:', error);
    process.exit(1);
  },
);
