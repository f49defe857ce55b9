import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsPositive, ValidateIf } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from '../../domain/mission.types.js';
import { IsJsonObjectOfAtMost, JsStringLength } from './validators.js';

/** Body of `POST /api/missions/{id}/log`. */
export class AppendLogDto {
  @ApiPropertyOptional({ enum: LOG_LEVELS, enumName: 'LogLevel', default: 'info' })
  @IsOptional()
  @IsIn(LOG_LEVELS)
  level?: LogLevel;

  @ApiProperty({ type: String, minLength: 1, maxLength: 4000, example: 'disk at 80%' })
  @JsStringLength(1, 4000)
  message!: string;

  // Present means it must be an object: null is refused, unlike @IsOptional's default.
  @ApiPropertyOptional({
    type: 'object', additionalProperties: true, description: 'A JSON object of at most 16 KiB serialized, nested at most 64 levels (`{}` is 1), kept exactly as sent.', example: { disk: '/var' },
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsJsonObjectOfAtMost(16 * 1024)
  data?: Record<string, unknown>;

  /** Epoch seconds. */
  @ApiPropertyOptional({ type: Number, exclusiveMinimum: true, minimum: 0, description: 'Epoch seconds; default now.', example: 1703001350.789 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  timestamp?: number;
}
