import { describe, expect, it } from '@jest/globals';
import { keySlot } from './cluster-slot.js';

describe(keySlot.name, () => {
  it('should agree with CLUSTER KEYSLOT on the values of the Redis cluster spec', () => {
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
  });

  it('should hash the whole key when the tag is empty or unclosed', () => {
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('{x')).not.toBe(keySlot('x'));
  });
});
