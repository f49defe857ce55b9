import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard, PassportStrategy, type IAuthGuard } from '@nestjs/passport';
import { ExtractJwt, Strategy, type JwtFromRequestFunction, type SecretOrKeyProvider } from 'passport-jwt';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import { MissionsOptionsError, type ResolvedMissionsOptions } from '../options/missions.options.js';
import { JwksKeyStore } from './jwks-key-store.js';
import { jwtVerificationFor, type JwtVerification } from './jwt-verification.js';
import type { Principal } from '../domain/principal.js';
import { principalFromClaims } from './principal-from-claims.js';
import { queryTokenAllowed } from './query-token.js';

/** Passport name of the built-in strategy (passport's registry is process-wide). */
export const MISSIONS_JWT_STRATEGY = 'missions-jwt';

const fromQuery = ExtractJwt.fromUrlQueryParameter('access_token');

/** The Bearer header, else `?access_token=` on routes marked `@AllowQueryToken()`. */
export const extractMissionsJwt: JwtFromRequestFunction = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderAsBearerToken(),
  (request) => (queryTokenAllowed(request) ? fromQuery(request) : null),
]);

/** Passport's guard for the strategy, which MissionsAuthGuard composes in 'jwt' mode. */
export function createMissionsJwtGuard(): IAuthGuard {
  return new (AuthGuard(MISSIONS_JWT_STRATEGY))();
}

/** Verifies `Authorization: Bearer` tokens (or `?access_token=` where a route allows it); provide it only when `auth.mode` is `'jwt'`. */
@Injectable()
export class MissionsJwtStrategy extends PassportStrategy(Strategy, MISSIONS_JWT_STRATEGY) {
  constructor(@InjectMissionsOptions() options: ResolvedMissionsOptions) {
    if (options.auth.mode !== 'jwt') {
      throw new MissionsOptionsError(`MissionsJwtStrategy needs auth.mode 'jwt', got '${options.auth.mode}'.`);
    }
    const verification = jwtVerificationFor(options.auth);
    super({
      jwtFromRequest: extractMissionsJwt,
      ...keySource(verification),
      // These four must stay top-level: passport-jwt copies them over jsonWebTokenOptions even
      // when undefined, so an issuer or audience given only there would silently not be checked.
      algorithms: verification.algorithms,
      issuer: verification.issuer,
      audience: verification.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: verification.clockTolerance },
    });
  }

  validate(payload: unknown): Principal {
    const principal = principalFromClaims(payload);
    if (!principal) throw new UnauthorizedException();
    return principal;
  }
}

type KeySource = { secretOrKey: string | Buffer } | { secretOrKeyProvider: SecretOrKeyProvider };

function keySource(verification: JwtVerification): KeySource {
  // passport-jwt hands the key to jsonwebtoken untouched, which takes a KeyObject; only
  // passport-jwt's typings say string | Buffer.
  if (!verification.jwks) return { secretOrKey: verification.key as unknown as Buffer };
  const store = new JwksKeyStore({ ...verification.jwks, algorithms: verification.algorithms });
  return {
    secretOrKeyProvider: (_request: unknown, rawJwtToken: string, done: (error: Error | null, key?: string) => void) => {
      store.keyFor(headerOf(rawJwtToken)).then(
        (pem) => done(null, pem),
        // passport-jwt turns an error here into 401.
        (error: Error) => done(error),
      );
    },
  };
}

function headerOf(token: string): { kid?: unknown; alg?: unknown } {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null ? header : {};
  } catch {
    return {};
  }
}
