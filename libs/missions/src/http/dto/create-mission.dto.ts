import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { MISSION_ID_PATTERN } from '../../domain/mission-id.js';
import { IsJsonObjectOfAtMost, IsNotReservedMissionId, JsStringLength } from './validators.js';

/** Body of `POST /api/missions`. Unknown fields are refused by the controller's pipe. */
export class CreateMissionDto {
  @ApiPropertyOptional({
    type: String,
    pattern: MISSION_ID_PATTERN.source,
    description: 'Default: a new UUID v4. An id taken in the tenant answers 409; `health`, `stats` and `events` (any case) are reserved.',
    example: 'deploy-42',
  })
  @IsOptional()
  @IsString()
  @Matches(MISSION_ID_PATTERN, { message: 'id must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' })
  @IsNotReservedMissionId()
  id?: string;

  @ApiProperty({ type: String, minLength: 1, maxLength: 200, example: 'Deploy v2.0' })
  @JsStringLength(1, 200)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 4000, example: 'Deploy new version' })
  @IsOptional()
  @JsStringLength(0, 4000)
  description?: string | null;

  // Present means it must be an object: null is refused, unlike @IsOptional's default.
  @ApiPropertyOptional({
    type: 'object', additionalProperties: true, description: 'A JSON object of at most 64 KiB serialized, nested at most 64 levels (`{}` is 1), kept exactly as sent; default `{}`.', example: { env: 'production' },
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsJsonObjectOfAtMost(64 * 1024)
  data?: Record<string, unknown>;
}
