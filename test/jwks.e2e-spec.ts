import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer } from './support/tokens.js';

const rsaKey = (kid: string) => ({ kid, ...generateKeyPairSync('rsa', { modulusLength: 2048 }) });
const jwkOf = (kid: string, publicKey: KeyObject) => ({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' });

/** An identity provider's JWKS endpoint that counts how often it is asked. */
class JwksServer {
  hits = 0;
  keys: object[] = [];
  private readonly server: Server = createServer((_req, res) => {
    this.hits += 1;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: this.keys }));
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/.well-known/jwks.json`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Missions HTTP: tokens verified against a JWKS URL', () => {
  const provider = new JwksServer();
  const a = rsaKey('key-a');
  const b = rsaKey('key-b');
  const rogue = rsaKey('key-c');
  let t: MissionsTestApp;
  const sign = (key: { kid: string; privateKey: KeyObject }, kid = key.kid) =>
    jwt.sign({ sub: 'alice', tenant_id: 'idp' }, key.privateKey, { algorithm: 'RS256', keyid: kid, expiresIn: '5m' });
  const list = (token: string) => request(t.app.getHttpServer()).get('/api/missions').set(bearer(token));

  beforeAll(async () => {
    provider.keys = [jwkOf(a.kid, a.publicKey)];
    const jwksUri = await provider.listen();
    t = await startMissionsApp('jwks', { auth: { mode: 'jwt', jwksUri, jwksRequestsPerMinute: 3 } });
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('should accept a token signed by a published key, fetching the set once', async () => {
    await list(sign(a)).expect(200);
    await list(sign(a)).expect(200);
    expect(provider.hits).toBe(1);
  });

  it('should refetch on an unknown kid after the provider rotates its key', async () => {
    provider.keys = [jwkOf(b.kid, b.publicKey)];
    await list(sign(b)).expect(200);
    expect(provider.hits).toBe(2);
    await list(sign(b)).expect(200);
    expect(provider.hits).toBe(2);
  });

  it('should answer 401 for unknown kids without hammering the provider', async () => {
    for (let i = 0; i < 10; i += 1) await list(sign(rogue, `forged-${i}`)).expect(401);
    // 3 fetches a minute: the two above and one more; the other nine are refused from the limit.
    expect(provider.hits).toBe(3);
    // The rotated-out key is gone with that last fetch.
    await list(sign(a)).expect(401);
    await list(sign(b)).expect(200);
  });

  it('should answer 401 for a known kid on a token signed by another key', async () => {
    await list(sign(rogue, b.kid)).expect(401);
  });

  it('should refuse HS256, even signed with the published key material (algorithms pinned)', async () => {
    const hits = provider.hits;
    const confused = jwt.sign({ sub: 'alice' }, JSON.stringify(jwkOf(b.kid, b.publicKey)), { algorithm: 'HS256', keyid: b.kid, expiresIn: '5m' });
    await list(confused).expect(401);
    expect(provider.hits).toBe(hits);
  });
});
