import type { Mission, MissionLogEntry, MissionStats, MissionStatus } from '../mission.types.js';

const seconds = (ms: number): number => ms / 1000;

/** A mission as the contract shapes it: snake_case, epoch seconds. */
export class MissionResponse {
  id!: string;
  name!: string;
  description!: string | null;
  data!: Record<string, unknown>;
  status!: MissionStatus;
  created_at!: number;
  updated_at!: number;
  tenant_id!: string | null;
  created_by!: string;
  version!: number;

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
  missions!: MissionResponse[];
  next_cursor!: string | null;
}

export class MissionLogEntryResponse {
  timestamp!: number;
  level!: MissionLogEntry['level'];
  message!: string;
  data!: Record<string, unknown>;

  static from(e: MissionLogEntry): MissionLogEntryResponse {
    return { timestamp: e.timestamp, level: e.level, message: e.message, data: e.data };
  }
}

export class MissionLogResponse {
  mission_id!: string;
  log!: MissionLogEntryResponse[];
  next_offset!: number | null;
}

export class MissionStatsResponse {
  stats!: { total: number; by_status: Record<MissionStatus, number>; last_updated: number };

  static from(s: MissionStats, nowMs: number): MissionStatsResponse {
    return { stats: { total: s.total, by_status: s.byStatus, last_updated: seconds(s.lastUpdated ?? nowMs) } };
  }
}

export class AcceptedResponse {
  status!: 'accepted';
}
