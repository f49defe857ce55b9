import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { bearer, TEST_SECRET, token } from './support/tokens.js';

// Signed with the test secret whatever the payload is, e.g. `null`, which jsonwebtoken's sign refuses.
const signedPayload = (json: string): string => {
  const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(json).toString('base64url')}`;
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
};

const unsigned = (claims: object): string =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

describe('Missions HTTP: authentication', () => {
  describe('with HS256, issuer and audience configured', () => {
    let t: MissionsTestApp;
    let http: ReturnType<typeof request>;
    const good = { iss: 'https://id.test/', aud: 'missions' };

    beforeAll(async () => {
      t = await startMissionsApp('auth', { auth: { mode: 'jwt', secret: TEST_SECRET, issuer: good.iss, audience: good.aud } });
      http = request(t.app.getHttpServer());
    });
    afterAll(() => t.close());

    it('should accept a valid token on every protected route', async () => {
      const auth = bearer(token({ sub: 'alice', tenant_id: 'a', ...good }));
      await http.get('/api/missions').set(auth).expect(200);
      await http.get('/api/missions/stats/overview').set(auth).expect(200);
    });

    const now = Math.floor(Date.now() / 1000);
    it.each([
      ['no Authorization header', undefined],
      ['a non-Bearer scheme', 'Basic YWxpY2U6eA=='],
      ['a malformed token', 'Bearer not.a.jwt'],
      ['a wrong signature', `Bearer ${token({ sub: 'a', ...good }, {}, 'another-secret-of-sufficient-length')}`],
      ['alg none', `Bearer ${unsigned({ sub: 'a', exp: now + 600, ...good })}`],
      ['an expired token', `Bearer ${token({ sub: 'a', exp: now - 60, ...good })}`],
      ['no exp', `Bearer ${jwt.sign({ sub: 'a', ...good }, TEST_SECRET, { algorithm: 'HS256' })}`],
      ['a wrong issuer', `Bearer ${token({ sub: 'a', iss: 'https://evil/', aud: good.aud })}`],
      ['a wrong audience', `Bearer ${token({ sub: 'a', iss: good.iss, aud: 'other' })}`],
      ['a numeric sub', `Bearer ${token({ sub: 42, ...good })}`],
      ['roles that are not strings', `Bearer ${token({ sub: 'a', roles: [1], ...good })}`],
      ['a numeric tenant_id', `Bearer ${token({ sub: 'a', tenant_id: 7, ...good })}`],
      ['a validly signed null payload', `Bearer ${signedPayload('null')}`],
      ['a validly signed array payload', `Bearer ${signedPayload(JSON.stringify([{ sub: 'a', exp: now + 600, ...good }]))}`],
    ])('should answer 401 for %s', async (_label, header) => {
      const req = http.get('/api/missions');
      if (header) req.set('Authorization', header);
      const res = await req.expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
      await (header ? http.post('/api/missions').set('Authorization', header) : http.post('/api/missions')).send({ name: 'x' }).expect(401);
    });

    it('should accept a token expired by less than the 5 s tolerance', async () => {
      const auth = bearer(token({ sub: 'a', exp: Math.floor(Date.now() / 1000) - 2, ...good }));
      await http.get('/api/missions').set(auth).expect(200);
    });
  });

  describe('with an RS256 public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    let t: MissionsTestApp;

    beforeAll(async () => {
      t = await startMissionsApp('auth-rs', { auth: { mode: 'jwt', publicKey: pem } });
    });
    afterAll(() => t.close());

    it('should accept RS256 and refuse an HS256 token signed with the public key text', async () => {
      const http = request(t.app.getHttpServer());
      const rs = jwt.sign({ sub: 'r' }, privateKey, { algorithm: 'RS256', expiresIn: '5m' });
      await http.get('/api/missions').set(bearer(rs)).expect(200);
      const confused = jwt.sign({ sub: 'r' }, TEST_SECRET, { algorithm: 'HS256', expiresIn: '5m' });
      await http.get('/api/missions').set(bearer(confused)).expect(401);
    });
  });
});
