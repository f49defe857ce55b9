import type { Mission } from '../domain/mission.types.js';

/**
 * Runs missions in the background. The service only ever talks to this interface, so the
 * in-process implementation can be swapped for a distributed one without touching the
 * controller or the service. Implementations are bound to MISSION_EXECUTOR.
 */
export interface MissionExecutor {
  /** Called after the mission was moved to RUNNING; must return without waiting for the run. */
  start(mission: Mission): Promise<void>;
  /** Called after the mission was moved to CANCELLED; stops its handler at its next step. */
  cancel(mission: Mission): Promise<void>;
}
