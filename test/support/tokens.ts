import jwt from 'jsonwebtoken';

export const TEST_SECRET = 'e2e-secret-with-enough-entropy-0123456789';

export interface TokenClaims {
  sub?: unknown;
  tenant_id?: unknown;
  roles?: unknown;
  app_id?: unknown;
  [claim: string]: unknown;
}

/** An HS256 token for the e2e app's secret, valid for an hour unless the claims carry an `exp`. */
export function token(claims: TokenClaims, options: jwt.SignOptions = {}, secret: string = TEST_SECRET): string {
  const lifetime: jwt.SignOptions = 'exp' in claims ? {} : { expiresIn: '1h' };
  return jwt.sign(claims, secret, { algorithm: 'HS256', ...lifetime, ...options });
}

export const bearer = (t: string): { Authorization: string } => ({ Authorization: `Bearer ${t}` });
