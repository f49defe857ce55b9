import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { buildOpenApiDocument, serializeOpenApi, setupOpenApi } from '../src/openapi.js';
import { controllerRoutes, type ControllerRoute } from './support/controller-routes.js';
import { createApp } from './support/missions-app.js';
import { testRedisUrl, uniquePrefix } from './support/redis-test-keys.js';

const COMMITTED = new URL('../openapi.json', import.meta.url);
// Routes a client may call without a token.
// Without the missions bearer scheme: probes, /metrics (its own allow list or METRICS_TOKEN), and
// the development token route (the dashboard's sign-in; 404 unless the dev secret is in use).
const PUBLIC_ROUTES = ['get /api/missions/health', 'get /health/live', 'get /health/ready', 'get /metrics', 'post /api/dev/token'];

describe('OpenAPI document', () => {
  let app: INestApplication;
  let document: OpenAPIObject;
  let routes: ControllerRoute[];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, DiscoveryModule] }).compile();
    app = await createApp(moduleRef, {
      appOptions: { logger: false },
      beforeInit: (created) => {
        document = buildOpenApiDocument(created);
        setupOpenApi(created, document);
      },
    });
    routes = controllerRoutes(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const operation = (route: ControllerRoute): OperationObject | undefined =>
    (document.paths[route.path] as Record<string, OperationObject> | undefined)?.[route.method];

  it('should match the committed openapi.json', () => {
    const live = serializeOpenApi(document);
    const committed = readFileSync(COMMITTED, 'utf8');
    if (live !== committed) {
      throw new Error('openapi.json is out of date with the code: run `npm run openapi` and commit the result.');
    }
  });

  it('should document every controller route', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const missing = routes.filter((route) => !operation(route)).map((r) => `${r.method.toUpperCase()} ${r.path} (${r.handler})`);
    expect(missing).toEqual([]);
  });

  it('should give every route a summary and a documented success response', () => {
    const lacking = routes.filter((route) => {
      const op = operation(route)!;
      const [status, success] = (Object.entries(op.responses).find(([code]) => /^2\d\d$/.test(code)) ?? []) as [string?, ResponseObject?];
      // A 204 has no body by definition; every other success documents one.
      return !op.summary || !success || (status !== '204' && !success.content);
    });
    expect(lacking.map((r) => r.handler)).toEqual([]);
  });

  it('should require the bearer scheme and document 401 and 429 on every route but the public ones', () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of routes) {
      const op = operation(route)!;
      const isPublic = PUBLIC_ROUTES.includes(`${route.method} ${route.path}`);
      const missionsRoute = route.path.startsWith('/api/missions');
      expect({ route: route.handler, secured: Boolean(op.security?.some((s) => 'bearer' in s)), has401: '401' in op.responses, has429: '429' in op.responses })
        .toEqual({ route: route.handler, secured: !isPublic, has401: !isPublic, has429: !isPublic && missionsRoute });
    }
  });

  it('should describe every request body and the contract errors with Nest\'s error body', () => {
    const create = document.paths['/api/missions'].post!;
    expect(create.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateMissionDto' } } } });
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '409', '413', '422', '429']);
    expect(document.paths['/api/missions/{id}/status'].post!.requestBody).toMatchObject({ required: false });
    expect(document.paths['/api/missions/{id}/execute'].post!.responses['409']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
    });
    expect(document.components?.schemas?.MissionStatus).toEqual({
      type: 'string', enum: ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'],
    });
  });

  it('should serve Swagger UI at /api/docs and the document at /api/docs-json', async () => {
    const json = await request(app.getHttpServer()).get('/api/docs-json').expect(200).expect('Content-Type', /json/);
    expect(serializeOpenApi(json.body as OpenAPIObject)).toBe(serializeOpenApi(document));
    const ui = await request(app.getHttpServer()).get('/api/docs').expect(200).expect('Content-Type', /html/);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('OpenAPI document of a host app embedding MissionsModule', () => {
  it('should carry the missions routes and schemas into the host\'s own document', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        EventEmitterModule.forRoot(),
        MissionsModule.forRoot({ redis: { url: testRedisUrl() }, keyPrefix: uniquePrefix('openapi-host'), auth: { mode: 'host' } }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      const config = new DocumentBuilder().setTitle('Host').addBearerAuth().build();
      const sut = SwaggerModule.createDocument(app, config);
      expect(Object.keys(sut.paths)).toEqual(expect.arrayContaining(['/api/missions', '/api/missions/{id}', '/api/missions/{id}/log']));
      expect(sut.paths['/api/missions/{id}'].get).toMatchObject({ security: [{ bearer: [] }], responses: { 200: {}, 401: {}, 404: {} } });
      expect(Object.keys(sut.components?.schemas ?? {})).toEqual(expect.arrayContaining(['MissionResponse', 'CreateMissionDto', 'ErrorResponse']));
    } finally {
      await app.close();
    }
  });
});
