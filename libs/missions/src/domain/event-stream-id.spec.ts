import { describe, expect, it } from '@jest/globals';
import { compareStreamIds, isStreamId } from './event-stream-id.js';

describe('event-stream-id', () => {
  describe(isStreamId.name, () => {
    it.each(['0-0', '1703001234567-0', '1703001234567-42', '18446744073709551615-18446744073709551615'])('should accept %s', (id) => {
      expect(isStreamId(id)).toBe(true);
    });

    it.each(['', '1703001234567', '$', '-', '+', '>', '(1-0', '1-0 ', 'a-1', '-1-0', '1.5-0', '18446744073709551616-0', '1-18446744073709551616'])(
      'should refuse %p',
      (id) => {
        expect(isStreamId(id)).toBe(false);
      },
    );
  });

  describe(compareStreamIds.name, () => {
    it('should order by milliseconds, then by sequence, numerically rather than as text', () => {
      expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
      expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
      expect(compareStreamIds('10-10', '10-2')).toBeGreaterThan(0);
      expect(compareStreamIds('11-0', '10-99')).toBeGreaterThan(0);
      expect(compareStreamIds('10-3', '10-3')).toBe(0);
      expect(compareStreamIds('18446744073709551615-0', '18446744073709551614-5')).toBeGreaterThan(0);
    });

    it('should throw on something that is not an id', () => {
      expect(() => compareStreamIds('$', '1-0')).toThrow(RangeError);
    });
  });
});
