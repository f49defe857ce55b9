import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DecimalInteger } from './validators.js';

/** A Redis list holds at most 2^32 - 1 entries: a larger offset can only be past the end. */
export const MAX_LOG_OFFSET = 2 ** 32 - 1;

/** Query of `GET /api/missions/{id}/log`. */
export class ReadLogQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_LOG_OFFSET, default: 0 })
  @IsOptional()
  @DecimalInteger(0, MAX_LOG_OFFSET)
  offset: number = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000, default: 1000 })
  @IsOptional()
  @DecimalInteger(1, 10_000)
  limit: number = 1000;
}
