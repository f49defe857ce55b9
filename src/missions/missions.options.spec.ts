import { describe, expect, it } from '@jest/globals';
import { MissionsOptionsError, resolveMissionsOptions, type MissionsModuleOptions } from './missions.options.js';

const base: MissionsModuleOptions = { auth: { mode: 'host' } };

describe(resolveMissionsOptions.name, () => {
  describe('rateLimit', () => {
    it('should be off when absent or with 0 points', () => {
      expect(resolveMissionsOptions(base).rateLimit).toBeNull();
      expect(resolveMissionsOptions({ ...base, rateLimit: { points: 0, durationSeconds: 60 } }).rateLimit).toBeNull();
    });

    it('should keep a valid limit', () => {
      expect(resolveMissionsOptions({ ...base, rateLimit: { points: 5, durationSeconds: 1 } }).rateLimit).toEqual({ points: 5, durationSeconds: 1 });
    });

    it.each([
      ['a fractional point count', { points: 1.5, durationSeconds: 60 }, /rateLimit\.points/],
      ['a negative point count', { points: -1, durationSeconds: 60 }, /rateLimit\.points/],
      ['a zero window', { points: 5, durationSeconds: 0 }, /rateLimit\.durationSeconds/],
      ['no window', { points: 5 } as { points: number; durationSeconds: number }, /rateLimit\.durationSeconds/],
    ])('should refuse %s, naming the setting', (_name, rateLimit, message) => {
      expect(() => resolveMissionsOptions({ ...base, rateLimit })).toThrow(MissionsOptionsError);
      expect(() => resolveMissionsOptions({ ...base, rateLimit })).toThrow(message);
    });
  });
});
