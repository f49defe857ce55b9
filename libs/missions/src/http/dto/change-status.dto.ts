import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { MISSION_STATUSES, type MissionStatus } from '../../domain/mission.types.js';

/** JSON body form of `POST /api/missions/{id}/status`. */
export class ChangeStatusBody {
  @ApiPropertyOptional({ enum: MISSION_STATUSES, enumName: 'MissionStatus' })
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  status?: MissionStatus;
}

/** The old service's query form: `?mission_status=RUNNING`. */
export class ChangeStatusQuery {
  @ApiPropertyOptional({ enum: MISSION_STATUSES, enumName: 'MissionStatus', description: 'The new status (the old service\'s form).' })
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  mission_status?: MissionStatus;
}
