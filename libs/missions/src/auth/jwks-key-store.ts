import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from './jwt-verification.js';

export interface JwksKeyStoreOptions {
  uri: string;
  /** The pinned algorithms: keys are only used for tokens of these. */
  algorithms: readonly JwtAlgorithm[];
  /** How long fetched keys are trusted before the next token refetches them. Default 10 min. */
  cacheMaxAgeMs?: number;
  /** Most JWKS fetches in any 60 s, so forged `kid`s cannot make us hammer the provider. Default 10. */
  requestsPerMinute?: number;
  /** Bound on one fetch. Default 5 s. */
  timeoutMs?: number;
  /** Called each time a fetch replaces the keys: what was verified with the old set is verified again. */
  onKeysReplaced?: () => void;
}

/** Why a token's key could not be found; the guard answers 401 either way. */
export class JwksKeyError extends Error {
  override name = 'JwksKeyError';
}

interface Jwk extends JsonWebKey {
  kid?: string;
  use?: string;
  alg?: string;
}

// Which key type may verify which pinned algorithm (a kty/alg mismatch is refused).
const KEY_TYPE: Partial<Record<JwtAlgorithm, string>> = { RS256: 'RSA', ES256: 'EC' };

/**
 * The signing keys of an identity provider's JWKS endpoint (Keycloak, Auth0, Entra…), by `kid`.
 * Cached; an unknown `kid` (the provider rotated its key) triggers a refetch, at most
 * `requestsPerMinute` of them, and concurrent lookups share one fetch; a failed fetch keeps the
 * last good keys. Built on node:crypto's JWK import rather than jose's createRemoteJWKSet (which
 * loads under Jest now): once its cache has aged, that one fails every token while the provider
 * is down, it limits refetches by a cooldown rather than a budget per minute, and jwt mode would
 * need one more peer.
 */
export class JwksKeyStore {
  private keys = new Map<string, string>();
  private fetchedAt = 0;
  private readonly fetches: number[] = [];
  private inflight?: Promise<void>;

  constructor(private readonly options: JwksKeyStoreOptions) {}

  /** The PEM of the key that signed a token with this header; throws {@link JwksKeyError}. */
  async keyFor(header: { kid?: unknown; alg?: unknown }): Promise<string> {
    if (!this.options.algorithms.includes(header.alg as JwtAlgorithm)) throw new JwksKeyError(`algorithm ${String(header.alg)} is not accepted`);
    const stale = Date.now() - this.fetchedAt > (this.options.cacheMaxAgeMs ?? 600_000);
    let pem = this.lookup(header.kid);
    if (pem && !stale) return pem;
    if (this.mayFetch()) {
      await this.refresh();
      pem = this.lookup(header.kid);
    }
    if (!pem) throw new JwksKeyError(`no key with kid ${String(header.kid)} in the JWKS`);
    return pem;
  }

  private lookup(kid: unknown): string | undefined {
    // A token without kid is only usable while the set holds exactly one key.
    if (kid === undefined) return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
    return typeof kid === 'string' ? this.keys.get(kid) : undefined;
  }

  private mayFetch(): boolean {
    if (this.inflight) return true;
    const now = Date.now();
    while (this.fetches.length > 0 && now - this.fetches[0] >= 60_000) this.fetches.shift();
    return this.fetches.length < (this.options.requestsPerMinute ?? 10);
  }

  private refresh(): Promise<void> {
    if (!this.inflight) {
      this.fetches.push(Date.now());
      this.inflight = this.fetchKeys()
        .then((keys) => {
          this.keys = keys;
          this.fetchedAt = Date.now();
          this.options.onKeysReplaced?.();
        })
        // A failed fetch keeps the keys we had: a provider hiccup must not log everyone out.
        .catch(() => undefined)
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  private async fetchKeys(): Promise<Map<string, string>> {
    const response = await fetch(this.options.uri, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000), redirect: 'error' });
    if (!response.ok) throw new JwksKeyError(`JWKS answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    const keys = new Map<string, string>();
    for (const jwk of Array.isArray(body.keys) ? (body.keys as Jwk[]) : []) {
      const pem = this.usable(jwk);
      if (pem) keys.set(jwk.kid ?? '', pem);
    }
    return keys;
  }

  private usable(jwk: Jwk): string | undefined {
    if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
    const allowed = this.options.algorithms.filter((alg) => KEY_TYPE[alg] === jwk.kty && (jwk.alg === undefined || jwk.alg === alg));
    if (allowed.length === 0) return undefined;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      return undefined;
    }
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return undefined;
    return key.export({ type: 'spki', format: 'pem' }).toString();
  }
}
