/** Emitted (EventEmitter2) for every RUNNING mission a reconciler re-dispatched or failed. */
export const MISSIONS_RECOVERY_EVENT = 'missions.recovery';
export interface MissionsRecoveryEvent {
  tenantId: string | null;
  missionId: string;
  action: 'redispatched' | 'failed';
  reason: string;
  /** How long the mission had been RUNNING when it was recovered. */
  runningForMs: number;
}

/** Emitted after each reconciler sweep, for a gauge of how long missions go without a job. */
export const MISSIONS_RECOVERY_SWEEP_EVENT = 'missions.recovery_sweep';
export interface MissionsRecoverySweepEvent {
  /** The longest a mission recovered in this sweep had been RUNNING without a job or owner; 0 when none. */
  oldestWithoutJobMs: number;
  /** Missions or tenants this sweep could not check (Redis or the queue unreachable); retried later. */
  errors: number;
}
