import fc from 'fast-check';

/** Object keys that name members of Object.prototype or of functions: the ones class-transformer dropped. */
export const BUILT_IN_NAMES = [
  'constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf',
  'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupGetter__', 'length', 'name', 'then',
];

// Any code point, and now and then a lone UTF-16 surrogate (JSON carries one as \uD800; UTF-8 cannot).
const anyUnit = fc.oneof(
  { weight: 9, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
);

/** Any string: every code point, lone surrogates included. */
export const anyString = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> =>
  fc.string({ unit: anyUnit, ...constraints });

/** Any key a JSON object may have: any string, built-in names often. */
export const jsonKey = fc.oneof(anyString({ maxLength: 12 }), fc.constantFrom(...BUILT_IN_NAMES));

// Defined property by property: an assignment of `__proto__` would set the prototype instead.
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Any JSON value up to a few levels deep: every number JSON can carry, any string, built-in-named keys. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    anyString({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(jsonKey, tie('value')), { maxLength: 4 }).map(objectOf),
  ),
})).value;

/** A JSON object, as `data` takes. */
export const jsonObject: fc.Arbitrary<Record<string, unknown>> = fc.array(fc.tuple(jsonKey, jsonValue), { maxLength: 6 }).map(objectOf);

/** Exactly the same JSON: same keys in the same order, same numbers, same strings. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
