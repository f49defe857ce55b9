/** The five states of a mission's lifecycle, as the old service spelled them. */
export const MISSION_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type MissionStatus = (typeof MISSION_STATUSES)[number];

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type JsonObject = Record<string, unknown>;

/**
 * A mission as the domain sees it. Times are integer epoch milliseconds; the HTTP layer
 * converts them to the contract's float seconds.
 */
export interface Mission {
  id: string;
  name: string;
  description: string | null;
  data: JsonObject;
  status: MissionStatus;
  createdAt: number;
  updatedAt: number;
  tenantId: string | null;
  createdBy: string;
  version: number;
}

/**
 * One entry of a mission's log. `timestamp` is epoch SECONDS (float), unlike Mission's ms:
 * clients post it in seconds with any precision, and converting would not round-trip exactly.
 */
export interface MissionLogEntry {
  timestamp: number;
  level: LogLevel;
  message: string;
  data: JsonObject;
}

/** Counters for one tenant; `lastUpdated` is null when the tenant never wrote anything. */
export interface MissionStats {
  total: number;
  byStatus: Record<MissionStatus, number>;
  lastUpdated: number | null;
}

export function isMissionStatus(value: unknown): value is MissionStatus {
  return typeof value === 'string' && (MISSION_STATUSES as readonly string[]).includes(value);
}
