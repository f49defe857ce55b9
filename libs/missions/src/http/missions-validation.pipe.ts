import { BadRequestException, Injectable, ValidationPipe, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { getMetadataStorage, validate } from 'class-validator';
import { isPlainJsonObject } from './dto/validators.js';

const unknownField = (key: string): string => `property ${key} should not exist`;

/**
 * Validation of the missions routes' bodies and queries; unknown fields are refused (400),
 * `__proto__` and `constructor` included.
 *
 * A body is never transformed: its fields are copied by reference onto a DTO instance and
 * class-validator checks them there. class-transformer (and ValidationPipe's own prototype-key
 * stripping) would walk the free-form `data` and drop keys named like Object's members
 * (`constructor`, `toString`, `__proto__`, …) at any depth; here `data` reaches the store exactly
 * as it was parsed, and its only check is its validator's one JSON.stringify (type, size, depth).
 * Body DTOs therefore hold flat fields only: no @Type, no @Transform, no nested DTOs.
 *
 * Queries are flat strings and keep Nest's ValidationPipe, for its conversions (@Transform).
 */
@Injectable()
export class MissionsValidationPipe implements PipeTransform {
  private readonly queries = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype;
    const fields = dto ? declaredFields(dto) : undefined;
    if (!dto || !fields || (metadata.type !== 'body' && metadata.type !== 'query')) return value;
    // An absent body or query is an empty one, as with ValidationPipe.
    const source = value ?? {};
    if (!isPlainJsonObject(source)) throw new BadRequestException([`${metadata.type} must be a JSON object`]);
    // Only declared fields go on, so `__proto__` or `constructor` never reach an instance.
    const known = Object.keys(source).filter((key) => fields.has(key));
    const unknown = Object.keys(source).filter((key) => !fields.has(key)).map(unknownField);
    const [result, invalid] = metadata.type === 'body'
      ? await this.body(source, dto as Type<object>, known)
      : await this.query(Object.fromEntries(known.map((key) => [key, source[key]])), metadata);
    if (unknown.length > 0 || invalid.length > 0) throw new BadRequestException([...unknown, ...invalid]);
    return result;
  }

  private async body(source: Record<string, unknown>, dto: Type<object>, known: string[]): Promise<[object, string[]]> {
    const instance = new dto() as Record<string, unknown>;
    for (const key of known) instance[key] = source[key];
    const errors = await validate(instance, { forbidUnknownValues: true, validationError: { target: false, value: false } });
    return [instance, errors.flatMap((error) => Object.values(error.constraints ?? {}))];
  }

  private async query(source: Record<string, unknown>, metadata: ArgumentMetadata): Promise<[unknown, string[]]> {
    try {
      return [await this.queries.transform(source, metadata), []];
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      return [undefined, (error.getResponse() as { message: string[] }).message];
    }
  }
}

// The DTO's validated fields, once per class; undefined for a type without class-validator rules.
const fieldsByDto = new WeakMap<object, Set<string> | undefined>();

function declaredFields(dto: object): Set<string> | undefined {
  if (!fieldsByDto.has(dto)) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(dto as Type<object>, '', true, false);
    fieldsByDto.set(dto, rules.length > 0 ? new Set(rules.map((rule) => rule.propertyName)) : undefined);
  }
  return fieldsByDto.get(dto);
}
