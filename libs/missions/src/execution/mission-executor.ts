import type { MissionRef } from '../domain/mission-commands.js';
import type { Mission } from '../domain/mission.types.js';

/**
 * What an executor found for a RUNNING mission whose dispatch entry fell due: it is `in_hand`
 * (a job or a live run has it), `redispatched` (it had none and now does), `lost` (its run
 * ended without recording an outcome: the reconciler fails it) or `not_running` (ended or gone).
 */
export type MissionRecovery =
  | { kind: 'in_hand' }
  | { kind: 'not_running' }
  | { kind: 'redispatched'; mission: Mission; reason: string }
  | { kind: 'lost'; mission: Mission; reason: string };

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
  /** Called by MissionDispatchReconciler when the mission's dispatch entry fell due. */
  recover(ref: MissionRef): Promise<MissionRecovery>;
}
