import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy, type IAuthGuard } from '@nestjs/passport';
import { ExtractJwt, Strategy, type JwtFromRequestFunction, type SecretOrKeyProvider } from 'passport-jwt';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import { MissionsOptionsError, type ResolvedMissionsOptions } from '../options/missions.options.js';
import { JwksKeyStore } from './jwks-key-store.js';
import { jwtSegmentObject } from './jwt-segments.js';
import { jwtVerificationFor, type JwtVerification } from './jwt-verification.js';
import type { Principal } from '../domain/principal.js';
import { principalFromClaims } from './principal-from-claims.js';
import { queryTokenAllowed } from './query-token.js';
import { unauthorized } from './unauthorized.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** Passport name of the built-in strategy (passport's registry is process-wide). */
export const MISSIONS_JWT_STRATEGY = 'missions-jwt';

const fromQuery = ExtractJwt.fromUrlQueryParameter('access_token');

const fromHeaderOrQuery = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderAsBearerToken(),
  (request) => (queryTokenAllowed(request) ? fromQuery(request) : null),
]);

/** The Bearer header, else `?access_token=` on routes marked `@AllowQueryToken()`; null when malformed. */
export const extractMissionsJwt: JwtFromRequestFunction = (request) => {
  const token = fromHeaderOrQuery(request);
  // jsonwebtoken reads claims off whatever the payload decodes to and throws a TypeError (a 500)
  // on a validly signed `null`: a token whose header or payload is not a JSON object is no token.
  if (!token || !jwtSegmentObject(token, 0) || !jwtSegmentObject(token, 1)) return null;
  return token;
};

/** Passport's guard for the strategy, which MissionsAuthGuard composes in 'jwt' mode. */
export function createMissionsJwtGuard(): IAuthGuard {
  return new (AuthGuard(MISSIONS_JWT_STRATEGY))();
}

/** Verifies `Authorization: Bearer` tokens (or `?access_token=` where a route allows it); provide it only when `auth.mode` is `'jwt'`. */
@Injectable()
export class MissionsJwtStrategy extends PassportStrategy(Strategy, MISSIONS_JWT_STRATEGY) {
  private readonly verified: VerifiedTokenCache;

  constructor(@InjectMissionsOptions() options: ResolvedMissionsOptions) {
    if (options.auth.mode !== 'jwt') {
      throw new MissionsOptionsError(`MissionsJwtStrategy needs auth.mode 'jwt', got '${options.auth.mode}'.`);
    }
    const verification = jwtVerificationFor(options.auth);
    const verified = new VerifiedTokenCache(verification.clockTolerance);
    super({
      jwtFromRequest: extractMissionsJwt,
      ...keySource(verification, () => verified.clear()),
      // These four must stay top-level: passport-jwt copies them over jsonWebTokenOptions even
      // when undefined, so an issuer or audience given only there would silently not be checked.
      algorithms: verification.algorithms,
      issuer: verification.issuer,
      audience: verification.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: verification.clockTolerance },
      // validate() gets the request, to remember the token it verified.
      passReqToCallback: true,
    });
    this.verified = verified;
  }

  /**
   * A token verified within the last minute (and not expired since) is not verified again. The
   * lookup takes the raw token: only a token that passed verification is ever remembered, so its
   * segments need no decoding here (extractMissionsJwt decodes two of them).
   */
  override authenticate(request: Parameters<Strategy['authenticate']>[0], options?: object): void {
    const token = fromHeaderOrQuery(request);
    const principal = token ? this.verified.get(token) : undefined;
    if (principal) return this.success(principal);
    super.authenticate(request, options);
  }

  validate(request: unknown, payload: unknown): Principal {
    const principal = principalFromClaims(payload);
    if (!principal) throw unauthorized();
    // The token passport-jwt just verified, read where it read it.
    const token = fromHeaderOrQuery(request as Parameters<JwtFromRequestFunction>[0]);
    if (token) this.verified.remember(token, principal, (payload as { exp: number }).exp);
    return principal;
  }
}

type KeySource = { secretOrKey: string | Buffer } | { secretOrKeyProvider: SecretOrKeyProvider };

function keySource(verification: JwtVerification, onKeysReplaced: () => void): KeySource {
  // passport-jwt hands the key to jsonwebtoken untouched, which takes a KeyObject; only
  // passport-jwt's typings say string | Buffer.
  if (!verification.jwks) return { secretOrKey: verification.key as unknown as Buffer };
  const store = new JwksKeyStore({ ...verification.jwks, algorithms: verification.algorithms, onKeysReplaced });
  return {
    secretOrKeyProvider: (_request: unknown, rawJwtToken: string, done: (error: Error | null, key?: string) => void) => {
      store.keyFor(jwtSegmentObject(rawJwtToken, 0) ?? {}).then(
        (pem) => done(null, pem),
        // passport-jwt turns an error here into 401.
        (error: Error) => done(error),
      );
    },
  };
}
