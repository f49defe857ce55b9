import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MISSION_STATUSES, type MissionStatus } from '../../domain/mission.types.js';
import { DecimalInteger } from './validators.js';

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

  @ApiPropertyOptional({ type: String, maxLength: 512, description: 'Opaque: the `next_cursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
