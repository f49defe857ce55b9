import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';

const IDEMPOTENCY_KEY = /^[\x21-\x7E][\x20-\x7E]{0,199}$/;

export function parseIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new BadRequestException(['Idempotency-Key must be 1 to 200 printable characters']);
  }
  return value;
}

/** The optional `Idempotency-Key` header, validated (1–200 printable ASCII characters). */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext) =>
  parseIdempotencyKey(context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['idempotency-key']),
);
