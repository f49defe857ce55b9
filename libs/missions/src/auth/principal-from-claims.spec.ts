import { describe, expect, it } from '@jest/globals';
import { isPrincipal, principalFromClaims } from './principal-from-claims.js';

const exp = 2_000_000_000;

describe('principal-from-claims', () => {
  describe(principalFromClaims.name, () => {
    it('should map every claim of the contract', () => {
      expect(principalFromClaims({ sub: 'alice', tenant_id: 'acme', app_id: 'app', azp: 'client', roles: ['a', 'b'], exp })).toEqual({
        principal_id: 'alice', tenant_id: 'acme', app_id: 'app', roles: ['a', 'b'],
      });
    });

    it('should read absent optional claims as null tenant, null app and no roles', () => {
      expect(principalFromClaims({ sub: 'alice', exp })).toEqual({ principal_id: 'alice', tenant_id: null, app_id: null, roles: [] });
    });

    it('should fall back to azp when app_id is absent', () => {
      expect(principalFromClaims({ sub: 'alice', azp: 'client', exp })?.app_id).toBe('client');
    });

    it('should read explicit nulls as absent', () => {
      expect(principalFromClaims({ sub: 'alice', tenant_id: null, app_id: null, roles: null, exp })).toEqual({
        principal_id: 'alice', tenant_id: null, app_id: null, roles: [],
      });
    });

    it.each([
      ['no exp', { sub: 'alice' }],
      ['a string exp', { sub: 'alice', exp: '2000000000' }],
      ['no sub', { exp }],
      ['an empty sub', { sub: '', exp }],
      ['a numeric sub', { sub: 42, exp }],
      ['a numeric tenant_id', { sub: 'alice', tenant_id: 7, exp }],
      ['an empty tenant_id', { sub: 'alice', tenant_id: '', exp }],
      ['an object app_id', { sub: 'alice', app_id: {}, exp }],
      ['a numeric azp', { sub: 'alice', azp: 1, exp }],
      ['roles as a string', { sub: 'alice', roles: 'admin', exp }],
      ['roles with a number', { sub: 'alice', roles: ['admin', 1], exp }],
    ])('should refuse %s', (_name, claims) => {
      expect(principalFromClaims(claims)).toBeNull();
    });

    it.each([null, 'alice', 42, [{ sub: 'alice', exp }]])('should refuse a payload that is not an object: %p', (claims) => {
      expect(principalFromClaims(claims)).toBeNull();
    });

    it('should refuse ids with a lone UTF-16 surrogate, which no Redis key can hold faithfully', () => {
      expect(principalFromClaims({ sub: 'a', exp: 1, tenant_id: 'acme\uD800' })).toBeNull();
      expect(principalFromClaims({ sub: '\uDC00', exp: 1 })).toBeNull();
      expect(principalFromClaims({ sub: 'a', exp: 1, tenant_id: 'acme😀' })).not.toBeNull();
    });

    it('should not share the roles array with the claims', () => {
      const roles = ['a'];
      const sut = principalFromClaims({ sub: 'alice', roles, exp });
      roles.push('b');
      expect(sut?.roles).toEqual(['a']);
    });
  });

  describe(isPrincipal.name, () => {
    const valid = { principal_id: 'alice', tenant_id: null, app_id: null, roles: [] };

    it('should accept a well-formed principal', () => {
      expect(isPrincipal(valid)).toBe(true);
      expect(isPrincipal({ ...valid, tenant_id: 'acme', app_id: 'app', roles: ['x'] })).toBe(true);
    });

    it.each([
      ['null', null],
      ['a missing tenant_id', { principal_id: 'alice', app_id: null, roles: [] }],
      ['an empty principal_id', { ...valid, principal_id: '' }],
      ['a numeric tenant_id', { ...valid, tenant_id: 1 }],
      ['missing roles', { principal_id: 'alice', tenant_id: null, app_id: null }],
      ['roles not strings', { ...valid, roles: [1] }],
    ])('should refuse %s', (_name, value) => {
      expect(isPrincipal(value)).toBe(false);
    });
  });
});
