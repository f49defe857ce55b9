import { ApiProperty, type SchemaObject } from '@nestjs/swagger';

// Each check by its key: `{ status: 'up' | 'down', ...details }`.
const CHECK: SchemaObject = { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } }, additionalProperties: true };

/** Terminus's health check body. */
export class HealthCheckResponse {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';

  @ApiProperty({ type: 'object', additionalProperties: CHECK, description: 'The checks that are up.', example: { redis: { status: 'up', responseTime: 1 } } })
  info!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: CHECK, description: 'The checks that are down.', example: {} })
  error!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: CHECK, description: 'Every check.' })
  details!: Record<string, unknown>;
}
