import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { MAX_JSON_DEPTH } from '../json-nesting.js';
import { DecimalInteger, jsonObjectShape } from './validators.js';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth - 1)}{}${']'.repeat(depth - 1)}`);

class Page {
  @DecimalInteger(1, 100)
  limit!: number;
}

describe('validators', () => {
  describe(jsonObjectShape.name, () => {
    it('should accept an object at the size and depth limits', () => {
      expect(jsonObjectShape({ a: 'x'.repeat(10 - '{"a":""}'.length) }, 10)).toBe('ok');
      expect(jsonObjectShape({ a: nested(MAX_JSON_DEPTH - 1) }, 1024)).toBe('ok');
    });

    it.each([[[]], [null], ['{}'], [42], [undefined]])('should refuse %p as not an object', (value) => {
      expect(jsonObjectShape(value, 1024)).toBe('not_object');
    });

    it('should count UTF-8 bytes, not characters', () => {
      expect(jsonObjectShape({ a: 'é'.repeat(4) }, 16)).toBe('ok'); // {"a":"éééé"}: 8 + 8 bytes
      expect(jsonObjectShape({ a: 'é'.repeat(5) }, 16)).toBe('too_big');
    });

    it('should refuse one level too deep, arrays and objects alike', () => {
      expect(jsonObjectShape({ a: nested(MAX_JSON_DEPTH) }, 1024)).toBe('too_deep');
      expect(jsonObjectShape(JSON.parse(`${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`), 1024)).toBe('ok');
      expect(jsonObjectShape(JSON.parse(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`), 1024)).toBe('too_deep');
    });

    it('should not count brackets inside strings, escaped quotes included', () => {
      expect(jsonObjectShape({ a: '['.repeat(500), b: '"[[[', c: '\\"{{{' }, 4096)).toBe('ok');
    });

    it('should answer too_deep rather than throw past the stack', () => {
      expect(jsonObjectShape({ a: nested(200_000) }, 1024 * 1024)).toBe('too_deep');
    });
  });

  describe(DecimalInteger.name, () => {
    const check = async (limit: unknown) => {
      const sut = plainToInstance(Page, { limit });
      return { value: sut.limit, errors: (await validate(sut)).flatMap((e) => Object.values(e.constraints ?? {})) };
    };

    it.each([['1', 1], ['100', 100], ['007', 7]])('should read %p as %p', async (text, number) => {
      expect(await check(text)).toEqual({ value: number, errors: [] });
    });

    it.each(['0', '101', '0x10', '1e1', '+5', ' 5', '5 ', '5.0', '-1', '', '1234567890123456', '٣'])('should refuse %p', async (text) => {
      expect((await check(text)).errors).toEqual(['limit must be a decimal integer from 1 to 100']);
    });

    it('should refuse a repeated parameter (an array)', async () => {
      expect((await check(['1', '2'])).errors).toHaveLength(1);
    });
  });
});
