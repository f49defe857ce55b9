import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { MissionCancelSignalsRepository } from '../../store/mission-cancel-signals.repository.js';
import type { MissionExecutor, MissionRecovery } from '../mission-executor.js';
import type { MissionRef } from '../../domain/mission-commands.js';
import { MissionsRepository } from '../../store/missions.repository.js';
import { missionJobId, type MissionJobData } from './mission-job.js';
import type { MissionQueue } from './mission-queue.js';
import type { Mission } from '../../domain/mission.types.js';
import type { ResolvedMissionsOptions } from '../../options/missions.options.js';

// Finished jobs are kept a day so their ids still deduplicate a late repeated start.
const KEEP_FINISHED = { age: 86_400, count: 10_000 };
/**
 * How long a queue command may keep a caller waiting. BullMQ's connection queues commands while
 * Redis is away and has no command timeout (its workers block on purpose); past this, a request
 * relies on the mission's dispatch entry, committed with RUNNING, to get its job instead.
 */
const QUEUE_WAIT_MS = 500;

class QueueTimeoutError extends Error {
  constructor() {
    super(`queue command not answered within ${QUEUE_WAIT_MS} ms`);
  }
}

/**
 * Runs missions as BullMQ jobs, on whichever worker process takes them (MissionJobWorker).
 * Starting enqueues one job per mission; cancelling broadcasts a signal every worker hears.
 * Both work from any instance, whatever its role. Built by the module only in `bullmq` mode.
 */
export class BullMqMissionExecutor implements MissionExecutor {
  private readonly logger = new Logger(BullMqMissionExecutor.name);

  constructor(
    private readonly options: ResolvedMissionsOptions,
    private readonly queue: MissionQueue,
    private readonly cancelSignals: MissionCancelSignalsRepository,
    private readonly repository: MissionsRepository,
  ) {}

  /**
   * Enqueues the mission's job, waiting at most QUEUE_WAIT_MS: RUNNING is committed already,
   * with a dispatch entry a reconciler turns into the job if this one never lands, so a slow or
   * failed enqueue is logged, not reported to the caller as a failure of the committed change.
   */
  async start(mission: Mission): Promise<void> {
    try {
      await this.enqueue(mission);
    } catch (error) {
      this.logger.warn(`mission ${mission.id}: ${messageOf(error)}; its dispatch entry will enqueue it`);
    }
  }

  /**
   * Job state first, then the mission: a job finishes only after its run recorded the outcome,
   * so a finished job with the mission still RUNNING means that write was lost.
   */
  async recover(ref: MissionRef): Promise<MissionRecovery> {
    const state = await bounded(this.queue.getJobState(missionJobId(ref.tenantId, ref.missionId)));
    const mission = await this.repository.findMission(ref.tenantId, ref.missionId);
    if (mission?.status !== 'RUNNING') return { kind: 'not_running' };
    if (state === 'unknown') {
      await this.enqueue(mission);
      return { kind: 'redispatched', mission, reason: 'RUNNING without a job' };
    }
    if (state === 'completed' || state === 'failed') {
      return { kind: 'lost', mission, reason: `its job ${state} without recording an outcome` };
    }
    return { kind: 'in_hand' };
  }

  /** A queued job needs nothing: the worker that takes it sees the mission is no longer RUNNING. */
  async cancel(mission: Mission): Promise<void> {
    await this.cancelSignals.publish({ tenantId: mission.tenantId, missionId: mission.id });
  }

  private async enqueue(mission: Mission): Promise<void> {
    const { attempts, backoffMs } = this.options.execution;
    const data: MissionJobData = { tenantId: mission.tenantId, missionId: mission.id };
    await bounded(this.queue.add('run', data, {
      jobId: missionJobId(mission.tenantId, mission.id),
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    }));
  }
}

/** The command may still run later; job ids make that harmless. */
async function bounded<T>(command: Promise<T>): Promise<T> {
  const abandon = new AbortController();
  const timeout = sleep(QUEUE_WAIT_MS, undefined, { signal: abandon.signal, ref: false }).then(() => {
    throw new QueueTimeoutError();
  });
  try {
    return await Promise.race([command, timeout]);
  } finally {
    abandon.abort();
    timeout.catch(() => undefined);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
