import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, nestingBeyond, requestBodyNestingProblem } from './json-nesting.js';

const brackets = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('json-nesting', () => {
  describe(nestingBeyond.name, () => {
    it('should answer undefined within the limit', () => {
      expect(nestingBeyond(brackets(3), 3)).toBeUndefined();
      expect(nestingBeyond('{"a":{"b":[1,{"c":2}]}}', 4)).toBeUndefined();
      expect(nestingBeyond('"no containers"', 0)).toBeUndefined();
    });

    it('should name the top-level field under which the limit is passed', () => {
      expect(nestingBeyond(`{"name":"x","data":{"a":${brackets(5)}}}`, 4)).toEqual({ field: 'data' });
      expect(nestingBeyond(`{"name":"[[[[[[","da\\"ta":${brackets(5)}}`, 4)).toEqual({ field: 'da"ta' });
      expect(nestingBeyond(` \n{ "x" : 1 , "y" :${brackets(5)}}`, 4)).toEqual({ field: 'y' });
    });

    it('should name no field when the top level is an array', () => {
      expect(nestingBeyond(`["a",${brackets(5)}]`, 4)).toEqual({ field: null });
    });

    it('should not count brackets inside strings, escaped quotes and backslashes included', () => {
      expect(nestingBeyond('{"a":"[[[[\\"[[[[\\\\","b":"{{{{"}', 2)).toBeUndefined();
    });
  });

  describe(requestBodyNestingProblem.name, () => {
    it(`should let a field nest ${MAX_JSON_DEPTH} levels, the body being one more`, () => {
      expect(requestBodyNestingProblem(`{"data":${brackets(MAX_JSON_DEPTH)}}`)).toBeUndefined();
      expect(requestBodyNestingProblem(`{"data":${brackets(MAX_JSON_DEPTH + 1)}}`)).toBe(
        `data must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
      );
    });

    it('should scan a 256 KiB body to its end in a few milliseconds', () => {
      const body = `{"data":[${Array.from({ length: 2000 }, () => brackets(MAX_JSON_DEPTH - 1)).join(',')}]}`;
      expect(body.length).toBeGreaterThan(250_000);
      const started = performance.now();
      expect(requestBodyNestingProblem(body)).toBeUndefined();
      // Generous for a loaded machine; parsing the same body takes hundreds of milliseconds.
      expect(performance.now() - started).toBeLessThan(100);
    });
  });
});
