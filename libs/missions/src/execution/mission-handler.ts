import type { LogLevel, Mission } from '../domain/mission.types.js';

/** What a mission handler gets to do its work. */
export interface MissionHandlerContext {
  readonly mission: Mission;
  /** Fires when the mission is cancelled; stop at the next step. */
  readonly signal: AbortSignal;
  log(level: LogLevel, message: string, data?: Record<string, unknown>): Promise<void>;
  /** Reports progress, 0–100. */
  progress(percent: number): Promise<void>;
}

/**
 * Runs one mission of a given type (`mission.data.type`). Its return value becomes the
 * `result` of the "Mission execution finished" log entry; a throw fails the mission.
 */
export type MissionHandler = (context: MissionHandlerContext) => Promise<Record<string, unknown> | void>;
