import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MISSION_STATUSES, type MissionStatus } from '../../domain/mission.types.js';
import { DecimalInteger, JsStringLength } from './validators.js';

/** Query of `GET /api/missions`. */
export class ListMissionsQuery {
  @ApiPropertyOptional({ enum: MISSION_STATUSES, enumName: 'MissionStatus', description: 'Only missions in this status.' })
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  status?: MissionStatus;

  // An empty value is refused rather than read as the default.
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @DecimalInteger(1, 1000)
  limit: number = 100;

  @ApiPropertyOptional({
    type: String,
    maxLength: 1024,
    description: 'Opaque: the `next_cursor` of the previous page of the same listing or search.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;

  @ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength: 200,
    description: 'Name search: only missions whose name starts with this text, compared case-insensitively '
      + '(JavaScript lower case), ordered by the lower-cased name then id, ascending. Not with `status`.',
  })
  @IsOptional()
  @JsStringLength(1, 200)
  name_prefix?: string;
}
