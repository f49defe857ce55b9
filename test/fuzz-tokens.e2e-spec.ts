import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { isPrincipal, principalFromClaims } from '../libs/missions/src/auth/principal-from-claims.js';
import type { MissionsAuthOptions } from '../libs/missions/src/options/missions.options.js';
import { checkProperty, isFuzzing, jestTimeout, reportFuzzCounts, type FuzzBudget } from './support/fuzz.js';
import { anyString, jsonValue } from './support/fuzz-json.js';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { rawRequest } from './support/raw-http.js';
import { TEST_SECRET } from './support/tokens.js';

const BUDGET: FuzzBudget = { runs: 80, timeMs: 6_000 };
const UNAUTHORIZED = { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' };

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const b64 = (text: string) => Buffer.from(text).toString('base64url');

type Signer = 'HS256' | 'RS256' | 'ES256' | 'HS256-with-public-key' | 'wrong-secret' | 'none' | 'garbage';

function signature(signer: Signer, input: string): string {
  switch (signer) {
    case 'HS256': return createHmac('sha256', TEST_SECRET).update(input).digest('base64url');
    case 'RS256': return sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url');
    case 'ES256': return sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'HS256-with-public-key': return createHmac('sha256', pem(rsa.publicKey)).update(input).digest('base64url');
    case 'wrong-secret': return createHmac('sha256', 'not-the-secret-but-long-enough-0123456789').update(input).digest('base64url');
    case 'none': return '';
    case 'garbage': return 'c2lnbmF0dXJl';
  }
}

const now = () => Math.floor(Date.now() / 1000);
const claimValue = fc.oneof(jsonValue, anyString({ maxLength: 10 }));
// Mostly well-typed, so that correctly signed tokens are accepted often enough to matter.
const often = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: claimValue });
const sometimes = fc.option(claimValue, { freq: 4, nil: undefined });
const claims = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    sub: often(fc.constantFrom('alice', 'bob')),
    exp: often(fc.constantFrom(3_000_000_000, now() - 60, now() + 1)),
    nbf: sometimes, iat: sometimes, app_id: sometimes, azp: sometimes,
    tenant_id: often(fc.constant('fuzz-tokens')), roles: often(fc.constant(['a'])),
  }) },
  { weight: 1, arbitrary: jsonValue },
);
const header = fc.oneof(
  { weight: 3, arbitrary: fc.record({
    alg: fc.oneof(fc.constantFrom('HS256', 'RS256', 'ES256', 'none', 'HS512', 'PS256', 'RS256 '), claimValue),
    typ: fc.oneof(fc.constant('JWT'), claimValue),
    kid: fc.oneof(fc.constantFrom('rsa', 'ec', 'unknown'), claimValue),
  }, { requiredKeys: ['alg'] }) },
  { weight: 1, arbitrary: jsonValue },
);
const signer = fc.constantFrom<Signer>('HS256', 'RS256', 'ES256', 'HS256-with-public-key', 'wrong-secret', 'none', 'garbage');

interface CraftedToken {
  text: string;
  /** Signed with a key the mode trusts, by the algorithm the header names. */
  legit: (mode: Mode) => boolean;
  payload: unknown;
}

const KID: Partial<Record<Signer, string>> = { RS256: 'rsa', ES256: 'ec' };

function craft(h: unknown, c: unknown, s: Signer): CraftedToken {
  const input = `${b64(JSON.stringify(h) ?? 'null')}.${b64(JSON.stringify(c) ?? 'null')}`;
  const { alg, kid } = (typeof h === 'object' && h !== null ? h : {}) as { alg?: unknown; kid?: unknown };
  // A JWKS holds two keys: a token must name its key's kid.
  const legit = (mode: Mode) => TRUSTED[mode].includes(s) && alg === s && (mode !== 'jwks' || kid === KID[s]);
  return { text: `${input}.${signature(s, input)}`, payload: c, legit };
}

const structured = fc.record({ header, claims, signer }).map(({ header: h, claims: c, signer: s }) => craft(h, c, s));
// Correctly signed with a key and algorithm the mode trusts: random claims decide.
const coherent = (mode: Mode) => fc.record({ signer: fc.constantFrom(...TRUSTED[mode]), claims })
  .map(({ signer: s, claims: c }) => craft({ alg: s, typ: 'JWT', kid: KID[s] }, c, s));
// Header-safe text (visible ASCII): node:http refuses to send anything else in a header.
const visible = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const garbage = fc.oneof(visible, fc.array(fc.base64String({ maxLength: 40 }), { maxLength: 5 }).map((parts) => parts.join('.')))
  .map((text): CraftedToken => ({ text, payload: undefined, legit: () => false }));
const crafted = (mode: Mode) => fc.oneof({ weight: 3, arbitrary: structured }, { weight: 2, arbitrary: coherent(mode) }, { weight: 1, arbitrary: garbage });

type Mode = 'hs256' | 'rs256' | 'es256' | 'jwks';
const TRUSTED: Record<Mode, Signer[]> = { hs256: ['HS256'], rs256: ['RS256'], es256: ['ES256'], jwks: ['RS256', 'ES256'] };

// What the contract accepts from a correctly signed token: a claims object the Principal maps from, unexpired, already valid.
function acceptable(payload: unknown): boolean {
  if (!principalFromClaims(payload)) return false;
  const { exp, nbf } = payload as { exp: number; nbf?: unknown };
  return exp > now() - 5 && (nbf === undefined || (typeof nbf === 'number' && nbf <= now() + 5));
}

/** (c) Crafted and malformed tokens at every auth mode: a 401 with Nest's body, or a principal the contract allows. */
describe('Fuzz: crafted tokens', () => {
  const apps: Partial<Record<Mode | 'host', { app: MissionsTestApp; port: number }>> = {};
  let jwksServer: Server;

  const start = async (mode: Mode | 'host', auth: MissionsAuthOptions) => {
    const app = await startMissionsApp(`fuzz-tokens-${mode}`, { auth });
    await app.app.listen(0, '127.0.0.1');
    apps[mode] = { app, port: (app.app.getHttpServer().address() as AddressInfo).port };
  };

  const auths = (): Record<Mode, MissionsAuthOptions> => ({
    hs256: { mode: 'jwt', secret: TEST_SECRET },
    rs256: { mode: 'jwt', publicKey: pem(rsa.publicKey) },
    es256: { mode: 'jwt', publicKey: pem(ec.publicKey) },
    jwks: { mode: 'jwt', jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`, algorithms: ['RS256', 'ES256'] },
  });

  beforeAll(async () => {
    const keys = [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa', use: 'sig' }, { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec', use: 'sig' }];
    jwksServer = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    await start('host', {
      mode: 'host',
      // The host's own authentication, standing in: whatever the header carries (base64url JSON).
      resolvePrincipal: (request) => JSON.parse(Buffer.from(String((request as { headers: Record<string, string> }).headers['x-principal']), 'base64url').toString('utf8')),
    });
  });
  afterAll(async () => {
    reportFuzzCounts();
    await apps.host?.app.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  const ask = (mode: Mode | 'host', path: string, headers: Record<string, string>) => rawRequest(apps[mode]!.port, { method: 'GET', path, headers });

  it.each<Mode>(['hs256', 'rs256', 'es256', 'jwks'])('should answer a crafted token at %s with 401 unless the contract allows it', async (mode) => {
    const scheme = fc.oneof({ weight: 3, arbitrary: fc.constant('Bearer ') }, fc.constantFrom('bearer ', 'Bearer  ', 'Basic ', ''));
    const route = fc.constantFrom('header', 'query');
    let accepted = 0;
    // One jwt-mode app at a time: passport's strategy registry is process-wide, the last one built wins.
    await start(mode, auths()[mode]);
    try {
      await checkProperty(`(c) tokens ${mode}`, fc.asyncProperty(crafted(mode), scheme, route, async (token, prefix, where) => {
      const res = where === 'header'
        ? await ask(mode, '/api/missions/stats/overview', { authorization: `${prefix}${token.text}` })
        : await ask(mode, `/api/missions/events?access_token=${encodeURIComponent(token.text.toWellFormed())}`, {});
      const allowed = token.legit(mode) && acceptable(token.payload) && (where === 'query' || prefix.trim().toLowerCase() === 'bearer');
      expect([res.status, allowed ? 'allowed' : 'refused']).toEqual(allowed ? [200, 'allowed'] : [401, 'refused']);
      if (res.status === 401) expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
      else accepted += 1;
      }), BUDGET);
    } finally {
      await apps[mode]?.app.close();
    }
    // CI's seed must show both answers for the property to mean anything (a random one may not).
    if (!isFuzzing()) expect(accepted).toBeGreaterThan(0);
  }, jestTimeout(BUDGET));

  it('should answer 401 in host mode unless the host resolves a well-formed principal', async () => {
    const principal = fc.oneof(
      fc.record({ principal_id: fc.oneof(fc.constant('p'), claimValue), tenant_id: fc.oneof(fc.constant(null), claimValue), app_id: fc.oneof(fc.constant(null), claimValue), roles: fc.oneof(fc.constant([]), claimValue) }, { requiredKeys: [] }),
      jsonValue,
    );
    await checkProperty('(c) host principals', fc.asyncProperty(principal, async (value) => {
      const json = JSON.stringify(value) ?? 'null';
      const res = await ask('host', '/api/missions/stats/overview', { 'x-principal': b64(json) });
      expect(res.status).toBe(isPrincipal(JSON.parse(json)) ? 200 : 401);
      if (res.status === 401) expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
    }), BUDGET);
  }, jestTimeout(BUDGET));
});
