import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MISSION_STATUSES, type MissionStatus } from '../mission.types.js';

/** Query of `GET /api/missions`. */
export class ListMissionsQuery {
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  status?: MissionStatus;

  // Number('') is 0 and Number('2x') NaN, so both fail @IsInt/@Min rather than defaulting.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
