import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Length in UTF-16 code units (JavaScript `string.length`), as the contract counts it.
 * class-validator's @Length counts a surrogate pair as one character, which would let a
 * 200-emoji name through at 400 code units.
 */
export function JsStringLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'jsStringLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length >= min && value.length <= max,
        defaultMessage: (args) => `${args?.property} must be a string of ${min} to ${max} characters`,
      },
    },
    options,
  );
}

export const isPlainJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON object (not an array, not null) whose serialized UTF-8 size is at most `maxBytes`. */
export function IsJsonObjectOfAtMost(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJsonObjectOfAtMost',
      constraints: [maxBytes],
      validator: {
        validate: (value: unknown) =>
          isPlainJsonObject(value) && Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes,
        defaultMessage: (args) =>
          `${args?.property} must be a JSON object of at most ${maxBytes} bytes serialized`,
      },
    },
    options,
  );
}

/** Route words that a mission id would shadow (`GET /health` vs `GET /{id}`), in any case. */
export const RESERVED_MISSION_IDS = ['health', 'stats', 'events'] as const;

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
