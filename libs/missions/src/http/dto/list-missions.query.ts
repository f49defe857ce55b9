import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MISSION_STATUSES, type MissionStatus } from '../../domain/mission.types.js';

/** Query of `GET /api/missions`. */
export class ListMissionsQuery {
  @ApiPropertyOptional({ enum: MISSION_STATUSES, enumName: 'MissionStatus', description: 'Only missions in this status.' })
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  status?: MissionStatus;

  // Number('') is 0 and Number('2x') NaN, so both fail @IsInt/@Min rather than defaulting.
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ type: String, maxLength: 512, description: 'Opaque: the `next_cursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
