import { ApiProperty } from '@nestjs/swagger';
import { LOG_LEVELS, MISSION_STATUSES, type Mission, type MissionLogEntry, type MissionStats, type MissionStatus } from '../../domain/mission.types.js';

const seconds = (ms: number): number => ms / 1000;

// Every property names its type explicitly: design:type metadata differs between tsc and an
// isolated transpile (ts-jest), and openapi.json must not depend on which compiled it.
const JSON_OBJECT = { type: 'object', additionalProperties: true } as const;
const STATUS = { enum: MISSION_STATUSES, enumName: 'MissionStatus' } as const;

/** A mission as the contract shapes it: snake_case, epoch seconds. */
export class MissionResponse {
  @ApiProperty({ type: String, example: 'deploy-42' }) id!: string;
  @ApiProperty({ type: String, example: 'Deploy v2.0' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Deploy new version' }) description!: string | null;
  @ApiProperty({ ...JSON_OBJECT, example: { env: 'production' } }) data!: Record<string, unknown>;
  @ApiProperty(STATUS) status!: MissionStatus;
  @ApiProperty({ type: Number, description: 'Epoch seconds, millisecond precision.', example: 1703001234.567 }) created_at!: number;
  @ApiProperty({ type: Number, description: 'Epoch seconds, millisecond precision.', example: 1703001234.567 }) updated_at!: number;
  @ApiProperty({ type: String, nullable: true, example: 'acme' }) tenant_id!: string | null;
  @ApiProperty({ type: String, description: "The creator's principal_id.", example: 'user-42' }) created_by!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Starts at 1, +1 on every change of the mission document.' }) version!: number;

  static from(m: Mission): MissionResponse {
    return {
      id: m.id,
      name: m.name,
      description: m.description,
      data: m.data,
      status: m.status,
      created_at: seconds(m.createdAt),
      updated_at: seconds(m.updatedAt),
      tenant_id: m.tenantId,
      created_by: m.createdBy,
      version: m.version,
    };
  }
}

export class MissionListResponse {
  @ApiProperty({ type: () => MissionResponse, isArray: true, description: 'Newest first.' }) missions!: MissionResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one.' })
  next_cursor!: string | null;
}

export class MissionLogEntryResponse {
  @ApiProperty({ type: Number, description: 'Epoch seconds.', example: 1703001350.789 }) timestamp!: number;
  @ApiProperty({ enum: LOG_LEVELS, enumName: 'LogLevel' }) level!: MissionLogEntry['level'];
  @ApiProperty({ type: String, example: 'Mission created' }) message!: string;
  @ApiProperty(JSON_OBJECT) data!: Record<string, unknown>;

  static from(e: MissionLogEntry): MissionLogEntryResponse {
    return { timestamp: e.timestamp, level: e.level, message: e.message, data: e.data };
  }
}

export class MissionLogResponse {
  @ApiProperty({ type: String }) mission_id!: string;
  @ApiProperty({ type: () => MissionLogEntryResponse, isArray: true, description: 'Oldest first.' }) log!: MissionLogEntryResponse[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as `offset` for the next page; null on the last one.' })
  next_offset!: number | null;
}

/** One counter per status; all five are always present. */
export class MissionStatusCounts {
  @ApiProperty({ type: 'integer' }) PENDING!: number;
  @ApiProperty({ type: 'integer' }) RUNNING!: number;
  @ApiProperty({ type: 'integer' }) COMPLETED!: number;
  @ApiProperty({ type: 'integer' }) FAILED!: number;
  @ApiProperty({ type: 'integer' }) CANCELLED!: number;
}

export class MissionStatsSummary {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: () => MissionStatusCounts }) by_status!: Record<MissionStatus, number>;
  @ApiProperty({ type: Number, description: "Epoch seconds of the tenant's last create or status change (now, for none)." })
  last_updated!: number;
}

export class MissionStatsResponse {
  @ApiProperty({ type: () => MissionStatsSummary }) stats!: MissionStatsSummary;

  static from(s: MissionStats, nowMs: number): MissionStatsResponse {
    return { stats: { total: s.total, by_status: s.byStatus, last_updated: seconds(s.lastUpdated ?? nowMs) } };
  }
}

export class AcceptedResponse {
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
}

export class StatusOkResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}
