import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type CanActivate, type ExecutionContext, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { Principal } from '../libs/missions/src/domain/principal.js';
import { MissionHandlerRegistry } from '../libs/missions/src/execution/mission-handler.registry.js';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { MissionsService } from '../libs/missions/src/core/missions.service.js';
import { eventually } from './support/missions-app.js';
import type { MissionsRedisClient } from '../libs/missions/src/store/redis-connection.js';
import { connectTestRedis, deleteKeys, uniquePrefix } from './support/redis-test-keys.js';

/** The host's own authentication: a header names the user; no JWT anywhere. */
@Injectable()
class HostHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: Principal }>();
    const user = req.headers['x-host-user'];
    if (user) req.user = { principal_id: user, tenant_id: req.headers['x-host-tenant'] ?? null, app_id: 'host', roles: [] };
    return true;
  }
}

/** A host feature that brings its own mission type. */
@Injectable()
class DeployHandlers implements OnModuleInit {
  constructor(private readonly registry: MissionHandlerRegistry) {}
  onModuleInit(): void {
    this.registry.register('deploy', async (ctx) => {
      await ctx.log('info', 'deploying', { target: ctx.mission.data['target'] });
      if (ctx.mission.data['target'] === 'broken') throw new Error('target unreachable');
      return { deployed: ctx.mission.data['target'] };
    });
  }
}

describe('MissionsModule embedded in a host app', () => {
  const prefix = uniquePrefix('host');
  let hostRedis: MissionsRedisClient;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const as = (user: string, tenant?: string) => ({ 'x-host-user': user, ...(tenant ? { 'x-host-tenant': tenant } : {}) });

  beforeAll(async () => {
    hostRedis = await connectTestRedis();
    @Module({
      imports: [
        EventEmitterModule.forRoot(),
        MissionsModule.forRootAsync({
          useFactory: async () => ({ redis: { client: hostRedis }, keyPrefix: prefix, auth: { mode: 'host' as const }, demoStepMs: 10 }),
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: HostHeaderGuard }, DeployHandlers],
    })
    class HostAppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [HostAppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app.close();
    // The module must not have closed the host's client.
    expect(hostRedis.status).toBe('ready');
    await deleteKeys(hostRedis, prefix);
    await hostRedis.quit();
  });

  it('should take the principal from the host and answer 401 without one', async () => {
    const refused = await http.get('/api/missions').expect(401);
    expect(refused.body).toEqual({ statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
    const res = await http.post('/api/missions').set(as('henry', 'host-co')).send({ name: 'via host' }).expect(201);
    expect(res.body).toMatchObject({ created_by: 'henry', tenant_id: 'host-co' });
  });

  it('should run a host-registered handler and record its result', async () => {
    const { body } = await http.post('/api/missions').set(as('henry', 'host-co')).send({ name: 'd', data: { type: 'deploy', target: 'eu-1' } }).expect(201);
    await http.post(`/api/missions/${body.id}/execute`).set(as('henry', 'host-co')).expect(202);
    await eventually(async () => (await http.get(`/api/missions/${body.id}`).set(as('henry', 'host-co'))).body.status === 'COMPLETED');
    const log = (await http.get(`/api/missions/${body.id}/log`).set(as('henry', 'host-co'))).body.log;
    expect(log.map((e: { message: string }) => e.message)).toContain('deploying');
    expect(log.find((e: { message: string }) => e.message === 'Mission execution finished').data).toEqual({ result: { deployed: 'eu-1' } });
  });

  it('should end a mission FAILED with an error entry when its handler throws', async () => {
    const { body } = await http.post('/api/missions').set(as('henry')).send({ name: 'd', data: { type: 'deploy', target: 'broken' } }).expect(201);
    await http.post(`/api/missions/${body.id}/execute`).set(as('henry')).expect(202);
    await eventually(async () => (await http.get(`/api/missions/${body.id}`).set(as('henry'))).body.status === 'FAILED');
    const log = (await http.get(`/api/missions/${body.id}/log`).set(as('henry'))).body.log;
    const error = log.find((e: { level: string }) => e.level === 'error');
    expect(error.message).toContain('target unreachable');
  });

  it('should expose MissionsService for programmatic use, in the principal\'s tenant', async () => {
    const service = app.get(MissionsService);
    const principal: Principal = { principal_id: 'batch-job', tenant_id: 'host-co', app_id: null, roles: [] };
    const { mission } = await service.create(principal, { name: 'from code' });
    const seen = await http.get(`/api/missions/${mission.id}`).set(as('henry', 'host-co')).expect(200);
    expect(seen.body.created_by).toBe('batch-job');
    await http.get(`/api/missions/${mission.id}`).set(as('henry', 'elsewhere')).expect(404);
  });

  it('should refuse invalid options at boot with a message naming the setting', async () => {
    const attempt = Test.createTestingModule({
      imports: [EventEmitterModule.forRoot(), MissionsModule.forRoot({ auth: { mode: 'jwt' }, keyPrefix: prefix })],
    }).compile();
    await expect(attempt).rejects.toThrow(/auth\.secret/);
  });
});
