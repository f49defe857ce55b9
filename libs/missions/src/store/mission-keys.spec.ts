import { describe, expect, it } from '@jest/globals';
import { INDEX_MEMBER_PATTERN, indexMember, missionKeys, tenantTag } from './mission-keys.js';
import { MISSION_STATUSES } from '../domain/mission.types.js';

/** The slot-determining part of a key, as Redis Cluster computes it. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open === -1 || close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

describe('mission-keys', () => {
  describe(tenantTag.name, () => {
    it('should give the null tenant and a tenant named "n" different tags', () => {
      expect(tenantTag(null)).toBe('n');
      expect(tenantTag('n')).toBe('t.n');
    });

    it('should encode characters that could end the hash tag or fake a key separator', () => {
      expect(tenantTag('a}b{c:d')).toBe('t.a%7Db%7Bc%3Ad');
    });

    it('should refuse a tenant id that is not well-formed UTF-16 rather than alias another tenant', () => {
      expect(() => tenantTag('bad\ud800')).toThrow(URIError);
    });
  });

  describe(missionKeys.name, () => {
    it.each([null, 'acme', 'a}b{c:d', '{}', 'ünï cødé'])('should put every key of tenant %p in the same hash tag', (tenant) => {
      const keys = missionKeys('missions:', tenant);
      const all = [
        keys.mission('m1'), keys.all, keys.stats, keys.log('m1'), keys.idempotency('k{1}'), keys.events,
        ...MISSION_STATUSES.map(keys.byStatus),
      ];
      for (const key of all) {
        expect(key.startsWith(`missions:${keys.tag}:`)).toBe(true);
        expect(`{${hashTag(key)}}`).toBe(keys.tag);
      }
    });

    it('should lay keys out as documented', () => {
      const keys = missionKeys('p:', 'acme');
      expect([keys.mission('x'), keys.all, keys.byStatus('RUNNING'), keys.stats, keys.log('x'), keys.events]).toEqual([
        'p:{t.acme}:m:x', 'p:{t.acme}:ix:all', 'p:{t.acme}:ix:s:RUNNING', 'p:{t.acme}:stats', 'p:{t.acme}:log:x', 'p:{t.acme}:events',
      ]);
      expect(keys.idempotency('abc')).toBe(
        'p:{t.acme}:idem:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    });
  });

  describe(indexMember.name, () => {
    it('should zero-pad the creation time so byte order is time order', () => {
      expect(indexMember(1_703_001_234_567, 'abc')).toBe('001703001234567:abc');
      expect(indexMember(999, 'z') < indexMember(1000, 'a')).toBe(true);
      expect(INDEX_MEMBER_PATTERN.test(indexMember(0, 'a.b:c-d_e'))).toBe(true);
    });

    it.each([-1, 1.5, 1e15, Number.NaN])('should refuse createdAt %p', (ms) => {
      expect(() => indexMember(ms, 'a')).toThrow(RangeError);
    });
  });
});
