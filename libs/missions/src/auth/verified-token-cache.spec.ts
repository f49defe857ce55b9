import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../domain/principal.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const principal = (id: string): Principal => ({ principal_id: id, tenant_id: 't', app_id: null, roles: [] });

describe('VerifiedTokenCache', () => {
  it('should give back the principal of a token it verified, and nothing for any other token', () => {
    const cache = new VerifiedTokenCache(5, () => 1_000_000);
    cache.remember('a.b.c', principal('alice'), 2_000);
    expect(cache.get('a.b.c')).toEqual(principal('alice'));
    expect(cache.get('a.b.d')).toBeUndefined();
    expect(cache.get('a.b.c ')).toBeUndefined();
  });

  it('should stop at exp plus the clock tolerance, exactly when a fresh verification would refuse the token', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache(5, () => now);
    cache.remember('tok', principal('alice'), 1_010); // exp 1 010 s: refused from 1 015 000 ms
    now = 1_014_999;
    expect(cache.get('tok')).toEqual(principal('alice'));
    now = 1_015_000;
    expect(cache.get('tok')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('should not keep a token already past its expiry, and reuse none longer than the ttl', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache(0, () => now, 10, 60_000);
    cache.remember('old', principal('a'), 999);
    expect(cache.size).toBe(0);
    cache.remember('long', principal('b'), 10_000_000);
    now += 59_999;
    expect(cache.get('long')).toEqual(principal('b'));
    now += 1;
    expect(cache.get('long')).toBeUndefined();
  });

  it('should hold at most maxEntries tokens, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache(0, () => 0, 3);
    for (const token of ['t1', 't2', 't3', 't4']) cache.remember(token, principal(token), 100);
    expect(cache.size).toBe(3);
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t4')).toEqual(principal('t4'));
  });
});

describe('VerifiedTokenCache.clear', () => {
  it('should forget every token', () => {
    const cache = new VerifiedTokenCache(0, () => 0);
    cache.remember('t1', principal('a'), 100);
    cache.clear();
    expect(cache.get('t1')).toBeUndefined();
  });
});
