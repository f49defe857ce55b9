import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type CanActivate, type DynamicModule, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { MissionsModule, MissionsService, type MissionsRoutesOption, type Principal } from 'missions';
import { eventually } from './support/missions-app.js';
import { connectTestRedis, deleteKeys, testRedisOptions, uniquePrefix } from './support/redis-test-keys.js';

@Injectable()
class HostHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: Principal }>();
    const user = req.headers['x-host-user'];
    if (user) req.user = { principal_id: user, tenant_id: 'opts', app_id: null, roles: [] };
    return true;
  }
}

const alice = { 'x-host-user': 'alice' };

function missionsModule(prefix: string, routes?: MissionsRoutesOption): DynamicModule {
  return MissionsModule.forRoot({ redis: testRedisOptions(), keyPrefix: prefix, auth: { mode: 'host' }, demoStepMs: 5, ...(routes === undefined ? {} : { routes }) });
}

async function hostApp(imports: (DynamicModule | typeof EventEmitterModule)[], globalPrefix?: string): Promise<INestApplication> {
  @Module({ imports, providers: [{ provide: APP_GUARD, useClass: HostHeaderGuard }] })
  class HostModule {}
  const moduleRef = await Test.createTestingModule({ imports: [HostModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  return app.init();
}

describe('MissionsModule options a host decides', () => {
  const prefix = uniquePrefix('module-options');

  afterAll(async () => {
    const redis = await connectTestRedis();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  describe('routes', () => {
    it('should mount the routes under the host global prefix without doubling it', async () => {
      const app = await hostApp([EventEmitterModule.forRoot(), missionsModule(prefix, { path: 'missions' })], 'api');
      try {
        const http = request(app.getHttpServer());
        const created = await http.post('/api/missions').set(alice).send({ name: 'under the host prefix' }).expect(201);
        await http.get(`/api/missions/${created.body.id}`).set(alice).expect(200);
        await http.get('/api/missions/health').expect(200, { status: 'ok' });
        await http.get('/api/api/missions').set(alice).expect(404);
      } finally {
        await app.close();
      }
    });

    it('should serve no route with routes: false, and MissionsService still works', async () => {
      const app = await hostApp([EventEmitterModule.forRoot(), missionsModule(prefix, false)]);
      try {
        const http = request(app.getHttpServer());
        await http.get('/api/missions').set(alice).expect(404);
        await http.get('/api/missions/health').expect(404);
        const principal: Principal = { principal_id: 'code', tenant_id: 'opts', app_id: null, roles: [] };
        const { mission } = await app.get(MissionsService).create(principal, { name: 'service only' });
        expect((await app.get(MissionsService).get(principal, mission.id)).name).toBe('service only');
      } finally {
        await app.close();
      }
    });

    it('should refuse a path that is not URL segments, naming routes.path', () => {
      expect(() => missionsModule(prefix, { path: 'api/{x}' })).toThrow(/routes\.path/);
    });
  });

  describe('missions without a handler', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await hostApp([EventEmitterModule.forRoot(), missionsModule(prefix)]);
    });

    afterAll(async () => {
      await app.close();
    });

    it('should end FAILED with an error entry naming the type by default, instead of running the demo', async () => {
      const http = request(app.getHttpServer());
      const { body } = await http.post('/api/missions').set(alice).send({ name: 'typo', data: { type: 'deplyo' } }).expect(201);
      await http.post(`/api/missions/${body.id}/execute`).set(alice).expect(202);
      await eventually(async () => (await http.get(`/api/missions/${body.id}`).set(alice)).body.status === 'FAILED');
      const log = (await http.get(`/api/missions/${body.id}/log`).set(alice)).body.log as { level: string; message: string }[];
      expect(log.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
        'Mission execution failed: no handler is registered for type "deplyo" (registered: none)',
      ]);
      expect(log.map((entry) => entry.message)).not.toContain('Mission executing step 1');
    });
  });

  describe('boot', () => {
    it('should say that EventEmitterModule.forRoot() is missing', async () => {
      await expect(hostApp([missionsModule(prefix)])).rejects.toThrow(/EventEmitterModule\.forRoot\(\)/);
    });

    it('should refuse a second instance in one application, saying why', async () => {
      const twice = hostApp([EventEmitterModule.forRoot(), missionsModule(prefix), missionsModule(uniquePrefix('module-options-2'))]);
      await expect(twice).rejects.toThrow(/MissionsModule is imported 2 times in this application; import it once/);
    });
  });
});
