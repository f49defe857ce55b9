import type { MissionsExecutionOptions, MissionsRetentionOptions, MissionsRole } from 'missions';
import { integer, read } from './env-values.js';

// Where and how missions run, and how long finished ones are kept.

const ROLES: readonly MissionsRole[] = ['api', 'worker', 'all'];
const EXECUTION_MODES = ['bullmq', 'in-process'] as const;
const MAX = Number.MAX_SAFE_INTEGER;

export function executionSettings(raw: NodeJS.ProcessEnv, errors: string[]): { role: MissionsRole; execution: MissionsExecutionOptions } {
  const role = (read(raw, 'MISSIONS_ROLE') ?? 'all') as MissionsRole;
  if (!ROLES.includes(role)) errors.push(`MISSIONS_ROLE must be one of ${ROLES.join(', ')}, got "${role}".`);
  const mode = (read(raw, 'MISSIONS_EXECUTION_MODE') ?? 'bullmq') as NonNullable<MissionsExecutionOptions['mode']>;
  if (!EXECUTION_MODES.includes(mode)) errors.push(`MISSIONS_EXECUTION_MODE must be one of ${EXECUTION_MODES.join(', ')}, got "${mode}".`);
  // The standalone service keeps the old service's demo for types without a handler: its clients rely on it.
  const missingHandler = (read(raw, 'MISSIONS_MISSING_HANDLER') ?? 'demo') as 'demo' | 'fail';
  if (missingHandler !== 'demo' && missingHandler !== 'fail') errors.push(`MISSIONS_MISSING_HANDLER must be demo or fail, got "${missingHandler}".`);
  return {
    role,
    execution: {
      mode,
      role,
      missingHandler,
      concurrency: integer(raw, 'MISSIONS_WORKER_CONCURRENCY', 10, [1, 1000], errors),
      attempts: integer(raw, 'MISSIONS_JOB_ATTEMPTS', 3, [1, 100], errors),
      backoffMs: integer(raw, 'MISSIONS_JOB_BACKOFF_MS', 1000, [0, MAX], errors),
      timeoutMs: integer(raw, 'MISSIONS_JOB_TIMEOUT_MS', 0, [0, MAX], errors),
      lockDurationMs: integer(raw, 'MISSIONS_JOB_LOCK_MS', 5000, [100, MAX], errors),
      stalledIntervalMs: integer(raw, 'MISSIONS_STALLED_INTERVAL_MS', 5000, [100, MAX], errors),
      recoveryGraceMs: integer(raw, 'MISSIONS_RECOVERY_GRACE_MS', 5000, [100, MAX], errors),
      recoveryIntervalMs: integer(raw, 'MISSIONS_RECOVERY_INTERVAL_MS', 1000, [50, MAX], errors),
    },
  };
}

/** MISSIONS_RETENTION_<STATUS>_S: seconds a finished mission is kept; unset or 0 keeps it forever. */
export function retentionSettings(raw: NodeJS.ProcessEnv, errors: string[]): MissionsRetentionOptions {
  const ageOf = (status: string): number | undefined =>
    integer(raw, `MISSIONS_RETENTION_${status}_S`, 0, [0, 3_153_600_000], errors) || undefined;
  return {
    COMPLETED: ageOf('COMPLETED'),
    FAILED: ageOf('FAILED'),
    CANCELLED: ageOf('CANCELLED'),
    sweepIntervalMs: integer(raw, 'MISSIONS_RETENTION_SWEEP_MS', 1000, [10, 3_600_000], errors),
    batchSize: integer(raw, 'MISSIONS_RETENTION_BATCH', 500, [1, 100_000], errors),
  };
}
