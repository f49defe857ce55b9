import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { MissionsOptionsError } from '../options/missions.options.js';
import { jwtVerificationFor, JWT_CLOCK_TOLERANCE_SECONDS } from './jwt-verification.js';

const spki = { type: 'spki', format: 'pem' } as const;
const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;
const rsaKey = (modulusLength: number): string =>
  generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 }).publicKey;
const ecKeys = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 });

describe(jwtVerificationFor.name, () => {
  it('should pin HS256 for a secret, with issuer, audience and 5 s of tolerance', () => {
    const sut = jwtVerificationFor({ secret: 's3cret', issuer: 'iss', audience: 'aud' });
    expect(sut).toEqual({ key: expect.any(KeyObject), algorithms: ['HS256'], issuer: 'iss', audience: 'aud', clockTolerance: 5 });
    expect(JWT_CLOCK_TOLERANCE_SECONDS).toBe(5);
  });

  it('should pin RS256 for an RSA public key', () => {
    const publicKey = rsaKey(2048);
    const sut = jwtVerificationFor({ publicKey });
    expect(sut.algorithms).toEqual(['RS256']);
    expect(sut.key?.export({ type: 'spki', format: 'pem' })).toBe(publicKey);
  });

  it('should parse the secret once into a KeyObject, not leave jsonwebtoken to re-parse a string per token', () => {
    const sut = jwtVerificationFor({ secret: 's3cret' }).key!;
    expect(sut.type).toBe('secret');
    expect(sut.export().toString('utf8')).toBe('s3cret');
  });

  it('should pin ES256 for an EC P-256 public key', () => {
    const { publicKey } = ecKeys('prime256v1');
    expect(jwtVerificationFor({ publicKey })).toMatchObject({ algorithms: ['ES256'] });
  });

  it.each([
    ['EC P-384', () => ecKeys('secp384r1').publicKey, /EC secp384r1/],
    ['Ed25519', () => generateKeyPairSync('ed25519', { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 }).publicKey, /ed25519 key/],
    ['RSA 1024', () => rsaKey(1024), /1024-bit/],
    ['a private key', () => ecKeys('prime256v1').privateKey, /PRIVATE key/],
    ['garbage', () => '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----', /not a readable PEM/],
  ])('should refuse %s with a MissionsOptionsError', (_name, makeKey, message) => {
    const publicKey = makeKey();
    expect(() => jwtVerificationFor({ publicKey })).toThrow(MissionsOptionsError);
    expect(() => jwtVerificationFor({ publicKey })).toThrow(message);
  });

  it('should refuse both or neither of secret and publicKey', () => {
    expect(() => jwtVerificationFor({})).toThrow(MissionsOptionsError);
    expect(() => jwtVerificationFor({ secret: 's', publicKey: 'p' })).toThrow(/not several/);
  });
});
