import { IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { IsJsonObjectOfAtMost, IsNotReservedMissionId, JsStringLength } from './validators.js';

export const MISSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Body of `POST /api/missions`. Unknown fields are refused by the controller's pipe. */
export class CreateMissionDto {
  @IsOptional()
  @IsString()
  @Matches(MISSION_ID_PATTERN, { message: 'id must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' })
  @IsNotReservedMissionId()
  id?: string;

  @JsStringLength(1, 200)
  name!: string;

  @IsOptional()
  @JsStringLength(0, 4000)
  description?: string | null;

  // Present means it must be an object: null is refused, unlike @IsOptional's default.
  @ValidateIf((_, value) => value !== undefined)
  @IsJsonObjectOfAtMost(64 * 1024)
  data?: Record<string, unknown>;
}
