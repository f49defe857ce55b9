import type { Principal } from '../domain/principal.js';

/** Most tokens remembered at once; the oldest goes first beyond it. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/**
 * Longest a verification is reused. With a JWKS the cache is also emptied whenever the key set is
 * fetched anew, so a key removed from the set stops working as soon as it would without a cache.
 */
export const VERIFIED_TOKEN_TTL_MS = 60_000;

interface Entry {
  principal: Principal;
  until: number;
}

/**
 * Tokens whose signature and claims were verified, with the principal they gave, so a client
 * sending the same token on every request pays for one HMAC/RSA/ECDSA check and claim parse per
 * minute rather than per request (it was a tenth of the service's CPU per request, BENCHMARKS.md).
 * Keyed by the whole token, signature included: any other token, however similar, is verified
 * afresh. An entry never outlives the token's own `exp` (plus the clock tolerance the verifier
 * allows), so an expired token is refused exactly when a fresh verification would refuse it.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clockToleranceSeconds: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = VERIFIED_TOKEN_CACHE_SIZE,
    private readonly ttlMs = VERIFIED_TOKEN_TTL_MS,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    // A copy: whatever a request does to its request.user stays with that request.
    if (this.now() < entry.until) return { ...entry.principal, roles: [...entry.principal.roles] };
    this.entries.delete(token);
    return undefined;
  }

  /** `exp`: the token's expiry, seconds since the epoch (required by principalFromClaims). */
  remember(token: string, principal: Principal, exp: number): void {
    const now = this.now();
    // jsonwebtoken refuses once now >= exp + clockTolerance.
    const until = Math.min((exp + this.clockToleranceSeconds) * 1000, now + this.ttlMs);
    if (until <= now) return;
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal: { ...principal, roles: [...principal.roles] }, until });
  }

  /** Forgets every token (the keys they were verified with changed). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
