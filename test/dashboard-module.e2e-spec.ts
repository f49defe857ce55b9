import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { MissionsDashboardModule } from '../libs/missions/src/dashboard/missions-dashboard.module.js';
import { DEV_JWT_SECRET, loadEnv } from '../src/config/env.js';
import { DevTokenModule } from '../src/dev-token/dev-token.module.js';

/** A built page in a temp dir, so the spec does not depend on the library's build. */
function fakePage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'missions-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><script type="module" src="./assets/app-1234.js"></script></head></html>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), `console.log(${JSON.stringify('x'.repeat(2000))});`);
  return dir;
}

async function appWith(env: NodeJS.ProcessEnv, devTokenUrl: string | null, assetsDir: string): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app: loadEnv(env) })] }),
      MissionsDashboardModule.forRoot({ devTokenUrl, assetsDir }),
      DevTokenModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe(MissionsDashboardModule.name, () => {
  const dir = fakePage();
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await appWith({ NODE_ENV: 'development' }, '/api/dev/token', dir);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('GET /ui', () => {
    it('should redirect to /ui/, where the relative asset URLs resolve', async () => {
      const res = await http.get('/ui').expect(308);
      expect(res.headers.location).toBe('/ui/');
    });

    it('should serve the page with its own strict content security policy and no caching', async () => {
      const res = await http.get('/ui/').expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.text).toContain('./assets/app-1234.js');
    });

    it('should serve hashed assets gzipped to clients that accept it, cached for good', async () => {
      const res = await http.get('/ui/assets/app-1234.js').set('Accept-Encoding', 'gzip').buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        }).expect(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // superagent inflates it: what arrived was the gzip encoding of the file.
      expect((res.body as Buffer).toString()).toContain('console.log');
    });

    it('should answer 404 for an asset that does not exist, and the page for any other path', async () => {
      await http.get('/ui/assets/nope.js').expect(404);
      expect((await http.get('/ui/missions').expect(200)).text).toContain('<!doctype html>');
    });

    it('should tell the page where the API and the dev token route are, inside the page', async () => {
      const { text } = await http.get('/ui/').expect(200);
      const content = /<meta name="missions-config" content="([^"]*)" \/>/.exec(text)?.[1];
      expect(JSON.parse(content!.replace(/&quot;/g, '"'))).toEqual({ api_base: '/api/missions', dev_token_url: '/api/dev/token' });
    });
  });

  it('should refuse to start without a built page, naming the folder', async () => {
    await expect(appWith({}, null, join(dir, 'missing'))).rejects.toThrow(/no built page in .*missing.*npm run build -w missions/);
  });
});

describe('POST /api/dev/token', () => {
  const dir = fakePage();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should mint a token signed with the development secret, for the given principal and tenant', async () => {
    const app = await appWith({ NODE_ENV: 'development' }, null, dir);
    try {
      const res = await request(app.getHttpServer()).post('/api/dev/token').send({ sub: 'ops', tenant_id: 'acme' }).expect(200);
      const claims = jwt.verify(res.body.token, DEV_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      expect(claims).toMatchObject({ sub: 'ops', tenant_id: 'acme', roles: ['operator'] });
      expect(claims.exp! - claims.iat!).toBe(3600);
      await request(app.getHttpServer()).post('/api/dev/token').send({ sub: '' }).expect(400);
      await request(app.getHttpServer()).post('/api/dev/token').send({ sub: 'ops', roles: ['admin'] }).expect(400);
    } finally {
      await app.close();
    }
  });

  it('should answer 404 when the service has a real key', async () => {
    const app = await appWith({ NODE_ENV: 'development', JWT_SECRET: 'a-real-secret-with-enough-entropy-0123' }, null, dir);
    try {
      await request(app.getHttpServer()).post('/api/dev/token').send({ sub: 'ops' }).expect(404);
    } finally {
      await app.close();
    }
  });
});
