import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { MISSIONS_OPTIONS } from '../options/missions.constants.js';
import { resolveMissionsOptions, type MissionsAuthOptions } from '../options/missions.options.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { MissionsAuthGuard } from './missions-auth.guard.js';
import { MissionsJwtStrategy } from './missions-jwt.strategy.js';
import type { Principal } from '../domain/principal.js';
import { Public } from './public.decorator.js';

@Controller('probe')
@UseGuards(MissionsAuthGuard)
class ProbeController {
  @Get()
  whoAmI(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Public()
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }
}

async function createApp(auth: MissionsAuthOptions, hostUser?: unknown): Promise<INestApplication> {
  // No PassportModule: the guard composes AuthGuard itself, and the strategy registers with
  // passport's process-wide registry when constructed (as in MissionsModule).
  const moduleRef = await Test.createTestingModule({
    controllers: [ProbeController],
    providers: [
      { provide: MISSIONS_OPTIONS, useValue: resolveMissionsOptions({ auth }) },
      ...(auth.mode === 'jwt' ? [MissionsJwtStrategy] : []),
      MissionsAuthGuard,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  // Stands in for a host app's own authentication middleware.
  if (hostUser !== undefined) app.use((req: { user?: unknown }, _res: unknown, next: () => void) => ((req.user = hostUser), next()));
  await app.init();
  return app;
}

const now = (): number => Math.floor(Date.now() / 1000);
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

// Signed by hand so jsonwebtoken's own sign-time checks cannot hide what verify would accept.
function handSigned(header: unknown, payload: unknown, secret?: string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${secret === undefined ? '' : createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const claims = { sub: 'alice', tenant_id: 'acme', app_id: 'my-app', roles: ['admin'] };
const alice: Principal = { principal_id: 'alice', tenant_id: 'acme', app_id: 'my-app', roles: ['admin'] };
// The contract's 401: Nest's full error body, `error` included.
const UNAUTHORIZED = { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' };

describe(MissionsAuthGuard.name, () => {
  describe('jwt mode, HS256', () => {
    let app: INestApplication;
    // exp defaults to a minute from now; pass `exp: undefined` to leave it out.
    const sign = (extra: object = {}, options: jwt.SignOptions = {}, secret = 's3cret'): string =>
      jwt.sign(JSON.parse(JSON.stringify({ ...claims, exp: now() + 60, ...extra })), secret, {
        algorithm: 'HS256', issuer: 'iss', audience: 'aud', ...options,
      });
    const get = (token?: string) => {
      const req = request(app.getHttpServer()).get('/probe');
      return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
    };

    beforeAll(async () => {
      app = await createApp({ mode: 'jwt', secret: 's3cret', issuer: 'iss', audience: 'aud' });
    });
    afterAll(async () => {
      await app.close();
    });

    it('should answer 200 with the principal for a valid token', async () => {
      const res = await get(sign());
      expect(res.status).toBe(200);
      expect(res.body).toEqual(alice);
    });

    it('should accept a token expired 2 s ago (within the 5 s tolerance)', async () => {
      const res = await get(sign({ exp: now() - 2 }));
      expect(res.status).toBe(200);
    });

    it('should let a @Public() route through without a token', async () => {
      const res = await request(app.getHttpServer()).get('/probe/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('should answer the standard 401 body without an Authorization header', async () => {
      const res = await get();
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it('should refuse a non-Bearer scheme', async () => {
      const res = await request(app.getHttpServer()).get('/probe').set('Authorization', `Basic ${sign()}`);
      expect(res.status).toBe(401);
    });

    it.each([
      ['a malformed token', () => 'not.a.jwt'],
      ['a bad signature', () => sign({}, {}, 'other-secret')],
      ['alg none', () => handSigned({ alg: 'none', typ: 'JWT' }, { ...claims, iss: 'iss', aud: 'aud', exp: now() + 60 })],
      ['a token expired beyond the tolerance', () => sign({ exp: now() - 10 })],
      ['a token not yet valid beyond the tolerance', () => sign({}, { notBefore: 60 })],
      ['no exp', () => sign({ exp: undefined })],
      ['a wrong issuer', () => sign({}, { issuer: 'evil' })],
      ['a wrong audience', () => sign({}, { audience: 'other' })],
      ['a numeric sub', () => handSigned({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: 42, iss: 'iss', aud: 'aud', exp: now() + 60 }, 's3cret')],
      ['roles not an array', () => sign({ roles: 'admin' })],
      // jsonwebtoken read claims off a validly signed `null` and threw a TypeError: a 500.
      ['a validly signed null payload', () => handSigned({ alg: 'HS256', typ: 'JWT' }, null, 's3cret')],
      ['a validly signed array payload', () => handSigned({ alg: 'HS256', typ: 'JWT' }, [claims], 's3cret')],
      ['a validly signed number payload', () => handSigned({ alg: 'HS256', typ: 'JWT' }, 42, 's3cret')],
      ['a header that is not an object', () => handSigned(null, { ...claims, iss: 'iss', aud: 'aud', exp: now() + 60 }, 's3cret')],
    ])('should answer the standard 401 for %s', async (_name, token) => {
      const res = await get(token());
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });
  });

  describe('jwt mode, RS256', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({ mode: 'jwt', publicKey });
    });
    afterAll(async () => {
      await app.close();
    });

    it('should accept a token signed with the private key', async () => {
      const token = jwt.sign(claims, privateKey, { algorithm: 'RS256', expiresIn: 60 });
      const res = await request(app.getHttpServer()).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(alice);
    });

    it('should refuse an HS256 token signed with the public key text (algorithm confusion)', async () => {
      const token = handSigned({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now() + 60 }, publicKey);
      const res = await request(app.getHttpServer()).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
    });
  });

  describe('jwt mode, ES256', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({ mode: 'jwt', publicKey });
    });
    afterAll(async () => {
      await app.close();
    });

    it('should accept a token signed with the private key', async () => {
      const token = jwt.sign(claims, privateKey, { algorithm: 'ES256', expiresIn: 60 });
      const res = await request(app.getHttpServer()).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(alice);
    });
  });

  describe('host mode', () => {
    const apps: INestApplication[] = [];
    const hostApp = async (resolvePrincipal?: () => Principal | null, hostUser?: unknown) => {
      const app = await createApp({ mode: 'host', resolvePrincipal }, hostUser);
      apps.push(app);
      return request(app.getHttpServer());
    };
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
    });

    it('should answer 200 with what resolvePrincipal returns', async () => {
      const res = await (await hostApp(() => alice)).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(alice);
    });

    it('should answer the standard 401 when resolvePrincipal returns null', async () => {
      const res = await (await hostApp(() => null)).get('/probe');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it('should answer 401 when resolvePrincipal returns a malformed principal', async () => {
      const res = await (await hostApp(() => ({ ...alice, roles: 'admin' }) as unknown as Principal)).get('/probe');
      expect(res.status).toBe(401);
    });

    it('should read request.user by default', async () => {
      const res = await (await hostApp(undefined, alice)).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(alice);
    });

    it('should let a @Public() route through without a principal', async () => {
      const res = await (await hostApp(() => null)).get('/probe/health');
      expect(res.status).toBe(200);
    });
  });
});
