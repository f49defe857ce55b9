import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { MAX_JSON_DEPTH, nestingBeyond, tooDeepMessage } from '../json-nesting.js';
import { RESERVED_MISSION_IDS } from '../../domain/mission-id.js';

/**
 * Length in UTF-16 code units (JavaScript `string.length`), as the contract counts it.
 * class-validator's @Length counts a surrogate pair as one character, which would let a
 * 200-emoji name through at 400 code units. A lone surrogate is refused: JSON can carry one,
 * but it has no UTF-8 form, so Redis would store U+FFFD in its place.
 */
export function JsStringLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'jsStringLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length >= min && value.length <= max && value.isWellFormed(),
        defaultMessage: (args) => `${args?.property} must be a string of ${min} to ${max} characters, without lone surrogates`,
      },
    },
    options,
  );
}

export const isPlainJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type JsonShape = 'ok' | 'not_object' | 'too_big' | 'too_deep';

/**
 * The one check free-form JSON gets: its type, its serialized size and its depth, read from
 * one JSON.stringify. The value itself is never walked, copied or rewritten.
 */
export function jsonObjectShape(value: unknown, maxBytes: number): JsonShape {
  if (!isPlainJsonObject(value)) return 'not_object';
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // V8 gives up on a structure nested past its stack (thousands of levels).
    return 'too_deep';
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: most values skip the exact count.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes) return 'too_big';
  return nestingBeyond(text, MAX_JSON_DEPTH) ? 'too_deep' : 'ok';
}

/**
 * A JSON object (not an array, not null) whose serialized UTF-8 size is at most `maxBytes`
 * and whose nesting is at most {@link MAX_JSON_DEPTH} levels; checked, never transformed.
 */
export function IsJsonObjectOfAtMost(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJsonObjectOfAtMost',
      constraints: [maxBytes],
      validator: {
        validate: (value: unknown) => jsonObjectShape(value, maxBytes) === 'ok',
        defaultMessage: (args) =>
          jsonObjectShape(args?.value, maxBytes) === 'too_deep'
            ? tooDeepMessage(String(args?.property))
            : `${args?.property} must be a JSON object of at most ${maxBytes} bytes serialized`,
      },
    },
    options,
  );
}

const DECIMAL_INTEGER = /^[0-9]{1,15}$/;

/**
 * A query integer from `min` to `max`, read only from decimal digits: `0x10`, `1e1`, `+5`, ` 5`
 * or `5.0` are refused, not converted. Fifteen digits at most, so the number read is exact.
 */
export function DecimalInteger(min: number, max: number): PropertyDecorator {
  const toNumber = Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value,
  );
  const inRange = ValidateBy({
    name: 'decimalInteger',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
      defaultMessage: (args) => `${args?.property} must be a decimal integer from ${min} to ${max}`,
    },
  });
  return (target, key) => {
    toNumber(target, key);
    inRange(target, key);
  };
}

/** Route words that a mission id would shadow (`GET /health` vs `GET /{id}`), in any case. */


export function IsNotReservedMissionId(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotReservedMissionId',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !(RESERVED_MISSION_IDS as readonly string[]).includes(value.toLowerCase()),
        defaultMessage: (args) => `${args?.property} must not be one of the reserved words ${RESERVED_MISSION_IDS.join(', ')}`,
      },
    },
    options,
  );
}
