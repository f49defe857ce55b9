import { IsIn, IsNumber, IsOptional, IsPositive, ValidateIf } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from '../mission.types.js';
import { IsJsonObjectOfAtMost, JsStringLength } from './validators.js';

/** Body of `POST /api/missions/{id}/log`. */
export class AppendLogDto {
  @IsOptional()
  @IsIn(LOG_LEVELS)
  level?: LogLevel;

  @JsStringLength(1, 4000)
  message!: string;

  // Present means it must be an object: null is refused, unlike @IsOptional's default.
  @ValidateIf((_, value) => value !== undefined)
  @IsJsonObjectOfAtMost(16 * 1024)
  data?: Record<string, unknown>;

  /** Epoch seconds. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  timestamp?: number;
}
