import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { jwtKeySources, MissionsOptionsError, type MissionsJwtOptions } from '../options/missions.options.js';

/** The signature algorithms the built-in JWT guard accepts, each pinned to its kind of key. */
export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** Seconds of clock skew accepted on `exp` / `nbf` (contract: up to 5 s). */
export const JWT_CLOCK_TOLERANCE_SECONDS = 5;

export interface JwtVerification {
  /**
   * The HS256 secret or the public key, parsed once here; absent with `jwks`. Given a string,
   * jsonwebtoken re-parses it on every verify, first as a PEM (which throws for a secret), and
   * that cost a fifth of the service's CPU under load (see BENCHMARKS.md).
   */
  key?: KeyObject;
  /** Keys come from this JWKS endpoint instead. */
  jwks?: { uri: string; requestsPerMinute: number };
  /**
   * One algorithm per key (for a JWKS, only asymmetric ones, each key used for its own type),
   * so a token can never pick how it is checked (alg confusion, `none`).
   */
  algorithms: JwtAlgorithm[];
  issuer?: string;
  audience?: string;
  clockTolerance: number;
}

function readPublicKey(pem: string): KeyObject {
  // createPublicKey happily derives a public key from a private one; a verifier holding the
  // signing key is a leak waiting to happen, so refuse it outright.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new MissionsOptionsError('auth.publicKey is a PRIVATE key; give the public key (PEM, "BEGIN PUBLIC KEY").');
  }
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new MissionsOptionsError(`auth.publicKey is not a readable PEM public key (${(error as Error).message}).`);
  }
}

function algorithmFor(key: KeyObject): JwtAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < 2048) {
      throw new MissionsOptionsError(`auth.publicKey is a ${details.modulusLength}-bit RSA key; RS256 needs at least 2048 bits.`);
    }
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'ES256';
  const kind = key.asymmetricKeyType === 'ec' ? `EC ${details.namedCurve}` : String(key.asymmetricKeyType);
  throw new MissionsOptionsError(
    `auth.publicKey is a ${kind} key; supported are RSA (RS256) and EC P-256 / prime256v1 (ES256).`,
  );
}

const JWKS_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256'];

function jwksVerification(options: MissionsJwtOptions & { jwksUri: string }): Pick<JwtVerification, 'jwks' | 'algorithms'> {
  if (!/^https?:\/\//.test(options.jwksUri)) throw new MissionsOptionsError(`auth.jwksUri must be an http(s) URL, got "${options.jwksUri}".`);
  const algorithms = options.algorithms ?? ['RS256'];
  const refused = algorithms.filter((alg) => !JWKS_ALGORITHMS.includes(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new MissionsOptionsError(`auth.algorithms must be RS256 and/or ES256 with a JWKS, got ${JSON.stringify(algorithms)}.`);
  }
  const requestsPerMinute = options.jwksRequestsPerMinute ?? 10;
  if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1) {
    throw new MissionsOptionsError(`auth.jwksRequestsPerMinute must be an integer >= 1, got ${requestsPerMinute}.`);
  }
  return { jwks: { uri: options.jwksUri, requestsPerMinute }, algorithms: [...algorithms] };
}

/** Verification settings for passport-jwt / jsonwebtoken, with the algorithm pinned by key type. */
export function jwtVerificationFor(options: MissionsJwtOptions): JwtVerification {
  const common = { issuer: options.issuer, audience: options.audience, clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS };
  const sources = jwtKeySources(options);
  if (sources.length > 1) {
    throw new MissionsOptionsError(`give one of ${sources.join(', ')}, not several: algorithms are pinned per key source.`);
  }
  if (options.jwksUri) return { ...jwksVerification({ ...options, jwksUri: options.jwksUri }), ...common };
  if (options.secret) return { key: createSecretKey(Buffer.from(options.secret, 'utf8')), algorithms: ['HS256'], ...common };
  if (options.publicKey) {
    const key = readPublicKey(options.publicKey);
    return { key, algorithms: [algorithmFor(key)], ...common };
  }
  throw new MissionsOptionsError(`auth.mode 'jwt' needs auth.secret (HS256), auth.publicKey (PEM, RS256/ES256) or auth.jwksUri.`);
}
