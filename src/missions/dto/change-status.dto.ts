import { IsIn, IsOptional } from 'class-validator';
import { MISSION_STATUSES, type MissionStatus } from '../mission.types.js';

/** JSON body form of `POST /api/missions/{id}/status`. */
export class ChangeStatusBody {
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  status?: MissionStatus;
}

/** The old service's query form: `?mission_status=RUNNING`. */
export class ChangeStatusQuery {
  @IsOptional()
  @IsIn(MISSION_STATUSES)
  mission_status?: MissionStatus;
}
