import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { JwksKeyError, JwksKeyStore } from './jwks-key-store.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
const jwk = (kid: string, key = rsa) => ({ ...key.export({ format: 'jwk' }), kid });
const pemOf = (key = rsa) => key.export({ type: 'spki', format: 'pem' }).toString();

describe(JwksKeyStore.name, () => {
  const serve = (...answers: (object[] | Error)[]) => {
    const fetchMock = jest.spyOn(globalThis, 'fetch');
    for (const answer of answers) {
      if (answer instanceof Error) fetchMock.mockRejectedValueOnce(answer);
      else fetchMock.mockResolvedValueOnce(new Response(JSON.stringify({ keys: answer })));
    }
    return fetchMock;
  };
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('keyFor', () => {
    it('should share one fetch between concurrent lookups of a new kid', async () => {
      const fetchMock = serve([jwk('a')]);
      const sut = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256'] });
      const pems = await Promise.all(Array.from({ length: 5 }, () => sut.keyFor({ kid: 'a', alg: 'RS256' })));
      expect(pems).toEqual(Array(5).fill(pemOf()));
      expect(fetchMock).toHaveBeenCalledTimes(1);
    });

    it('should keep the keys it had when a refetch fails', async () => {
      serve([jwk('a')], new Error('provider down'));
      const sut = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256'], cacheMaxAgeMs: 0 });
      await sut.keyFor({ kid: 'a', alg: 'RS256' });
      await expect(sut.keyFor({ kid: 'a', alg: 'RS256' })).resolves.toBe(pemOf());
    });

    it('should refuse an algorithm that is not pinned without fetching', async () => {
      const fetchMock = serve([jwk('a')]);
      const sut = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256'] });
      await expect(sut.keyFor({ kid: 'a', alg: 'HS256' })).rejects.toThrow(JwksKeyError);
      expect(fetchMock).not.toHaveBeenCalled();
    });

    it('should ignore keys of a type the pinned algorithms cannot use, and encryption keys', async () => {
      serve([jwk('ec', ec), { ...jwk('enc'), use: 'enc' }, jwk('rs')]);
      const sut = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256'] });
      await expect(sut.keyFor({ kid: 'ec', alg: 'RS256' })).rejects.toThrow(/no key with kid ec/);
      await expect(sut.keyFor({ kid: 'enc', alg: 'RS256' })).rejects.toThrow(/no key with kid enc/);
      await expect(sut.keyFor({ kid: 'rs', alg: 'RS256' })).resolves.toBe(pemOf());
    });

    it('should use an EC P-256 key for ES256 when pinned', async () => {
      serve([jwk('ec', ec)]);
      const sut = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256', 'ES256'] });
      await expect(sut.keyFor({ kid: 'ec', alg: 'ES256' })).resolves.toBe(pemOf(ec));
    });

    it('should use the only key for a token without kid, and no key when there are several', async () => {
      serve([jwk('a')], [jwk('a'), jwk('b')]);
      const one = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256'] });
      await expect(one.keyFor({ alg: 'RS256' })).resolves.toBe(pemOf());
      const two = new JwksKeyStore({ uri: 'http://idp/jwks', algorithms: ['RS256'] });
      await expect(two.keyFor({ alg: 'RS256' })).rejects.toThrow(JwksKeyError);
    });
  });
});
