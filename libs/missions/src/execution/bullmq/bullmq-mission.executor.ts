import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { MissionsRedisClient } from '../../store/redis-connection.js';
import { bullmqConnection, queuePrefix } from './bullmq-connection.js';
import { MissionCancelSignalsRepository } from '../../store/mission-cancel-signals.repository.js';
import type { MissionExecutor } from '../mission-executor.js';
import { missionJobId, type MissionJobData } from './mission-job.js';
import type { Mission } from '../../domain/mission.types.js';
import { InjectMissionsOptions } from '../../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../../options/missions.options.js';

// Finished jobs are kept a day so their ids still deduplicate a late repeated start.
const KEEP_FINISHED = { age: 86_400, count: 10_000 };

/**
 * Runs missions as BullMQ jobs, on whichever worker process takes them (MissionJobWorker).
 * Starting enqueues one job per mission; cancelling broadcasts a signal every worker hears.
 * Both work from any instance, whatever its role.
 */
@Injectable()
export class BullMqMissionExecutor implements MissionExecutor, OnModuleInit, OnApplicationShutdown {
  private connection: MissionsRedisClient | null = null;
  private queue: Queue<MissionJobData> | null = null;

  constructor(
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
    private readonly cancelSignals: MissionCancelSignalsRepository,
  ) {}

  /** Status of this process's BullMQ queue connection; null when it has none (in-process mode). */
  get connectionStatus(): string | null {
    return this.connection?.status ?? null;
  }

  onModuleInit(): void {
    // Bound in every mode; only connects when it is the executor in use. Nest calls the hooks
    // twice, as this provider and as MISSION_EXECUTOR's value: connect once.
    if (this.options.execution.mode !== 'bullmq' || this.queue) return;
    this.connection = bullmqConnection(this.options, 'missions-queue');
    this.queue = new Queue<MissionJobData>(this.options.execution.queueName, {
      connection: this.connection,
      prefix: queuePrefix(this.options),
    });
  }

  async start(mission: Mission): Promise<void> {
    const { attempts, backoffMs } = this.options.execution;
    const data: MissionJobData = { tenantId: mission.tenantId, missionId: mission.id };
    await this.requireQueue().add('run', data, {
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

  async onApplicationShutdown(): Promise<void> {
    const [queue, connection] = [this.queue, this.connection];
    this.queue = this.connection = null;
    await queue?.close();
    await connection?.quit().catch(() => connection.disconnect());
  }

  private requireQueue(): Queue<MissionJobData> {
    if (!this.queue) throw new Error('BullMqMissionExecutor is not the configured executor (execution.mode is not bullmq).');
    return this.queue;
  }
}
