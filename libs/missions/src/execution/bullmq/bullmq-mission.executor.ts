import { MissionCancelSignalsRepository } from '../../store/mission-cancel-signals.repository.js';
import type { MissionExecutor } from '../mission-executor.js';
import { missionJobId, type MissionJobData } from './mission-job.js';
import type { MissionQueue } from './mission-queue.js';
import type { Mission } from '../../domain/mission.types.js';
import type { ResolvedMissionsOptions } from '../../options/missions.options.js';

// Finished jobs are kept a day so their ids still deduplicate a late repeated start.
const KEEP_FINISHED = { age: 86_400, count: 10_000 };

/**
 * Runs missions as BullMQ jobs, on whichever worker process takes them (MissionJobWorker).
 * Starting enqueues one job per mission; cancelling broadcasts a signal every worker hears.
 * Both work from any instance, whatever its role. Built by the module only in `bullmq` mode.
 */
export class BullMqMissionExecutor implements MissionExecutor {
  constructor(
    private readonly options: ResolvedMissionsOptions,
    private readonly queue: MissionQueue,
    private readonly cancelSignals: MissionCancelSignalsRepository,
  ) {}

  async start(mission: Mission): Promise<void> {
    const { attempts, backoffMs } = this.options.execution;
    const data: MissionJobData = { tenantId: mission.tenantId, missionId: mission.id };
    await this.queue.add('run', data, {
      jobId: missionJobId(mission.tenantId, mission.id),
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    });
  }

  /** A queued job needs nothing: the worker that takes it sees the mission is no longer RUNNING. */
  async cancel(mission: Mission): Promise<void> {
    await this.cancelSignals.publish({ tenantId: mission.tenantId, missionId: mission.id });
  }
}
