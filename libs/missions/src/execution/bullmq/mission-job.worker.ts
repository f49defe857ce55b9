import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type { MissionsRedisClient } from '../../store/redis-connection.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { bullmqConnection, queuePrefix } from './bullmq-connection.js';
import { MissionCancelSignalsRepository } from '../../store/mission-cancel-signals.repository.js';
import { missionJobId, type MissionJobData } from './mission-job.js';
import { MissionRunner } from '../mission-runner.js';
import type { ResolvedMissionsOptions } from '../../options/missions.options.js';
import { MissionsRepository } from '../../store/missions.repository.js';

interface ActiveRun {
  mission: MissionJobData;
  controller: AbortController;
}

/**
 * The BullMQ worker of a `worker` or `all` process: takes mission jobs and runs them with
 * MissionRunner. Delivery is at least once: a job whose worker died is taken again once its
 * lock expires, so handlers should be idempotent. A job whose mission is no longer RUNNING
 * (cancelled while queued, or ended by an earlier delivery) stops before the handler. Built by
 * the module only in `bullmq` mode.
 */
export class MissionJobWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MissionJobWorker.name);
  private readonly active = new Map<string, ActiveRun>();
  private worker: Worker<MissionJobData> | null = null;
  private connection: MissionsRedisClient | null = null;
  private statusCheck: NodeJS.Timeout | undefined;
  private onIdle?: () => void;

  constructor(
    private readonly options: ResolvedMissionsOptions,
    private readonly repository: MissionsRepository,
    private readonly runner: MissionRunner,
    private readonly cancelSignals: MissionCancelSignalsRepository,
  ) {}

  /** Status of this process's BullMQ worker connection; null when it runs no worker (mode or role). */
  get connectionStatus(): string | null {
    return this.connection?.status ?? null;
  }

  /** After every onModuleInit, so handlers registered there exist before the first job runs. */
  async onApplicationBootstrap(): Promise<void> {
    const execution = this.options.execution;
    if (execution.mode !== 'bullmq' || execution.role === 'api') return;
    // Subscribed before taking jobs, so no run can miss its cancel.
    await this.cancelSignals.subscribe((mission) => this.abort(missionJobId(mission.tenantId, mission.missionId)));
    this.statusCheck = setInterval(() => void this.abortRunsNoLongerRunning(), execution.statusCheckMs).unref();
    this.connection = bullmqConnection(this.options, 'missions-worker');
    this.worker = new Worker<MissionJobData>(execution.queueName, (job) => this.process(job), {
      connection: this.connection,
      prefix: queuePrefix(this.options),
      concurrency: execution.concurrency,
      lockDuration: execution.lockDurationMs,
      stalledInterval: execution.stalledIntervalMs,
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', (error) => this.logger.warn(`worker: ${error.message}`));
    await this.worker.waitUntilReady();
  }

  /**
   * Stops taking jobs and lets running missions finish for `execution.shutdownGraceMs`. Runs
   * still going after it are aborted once the worker is force-closed, which also stops renewing
   * their locks: their jobs stay active without an owner, and another worker's stalled check takes
   * them (at least once). A worker left closing in the background would renew those locks forever,
   * so no other worker could ever take the missions, and keep the process alive.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.statusCheck);
    const worker = this.worker;
    if (worker) {
      const warn = (error: unknown) => this.logger.warn(`closing worker: ${String(error)}`);
      await worker.pause(true).catch(warn);
      await this.runsFinished(this.options.execution.shutdownGraceMs);
      // Always forced: the runs were waited for above, and a graceful close also waits on BullMQ's
      // fetch loop, which can hang on a connection that died. Before the abort, so an aborted run
      // cannot complete its job on the way out. A run that ended just now may have its job taken
      // once more by a stalled check, which finds the mission no longer RUNNING and stops.
      await worker.close(true).catch(warn);
      for (const run of this.active.values()) run.controller.abort(new Error('the worker shut down'));
    }
    await this.cancelSignals.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  /** Resolves once no run is active, or after `withinMs`. */
  private async runsFinished(withinMs: number): Promise<void> {
    if (this.active.size === 0) return;
    const idle = new Promise<void>((resolve) => (this.onIdle = resolve));
    await Promise.race([idle, sleep(withinMs, undefined, { ref: false })]);
  }

  private async process(job: Job<MissionJobData>): Promise<void> {
    const { tenantId, missionId } = job.data;
    const key = missionJobId(tenantId, missionId);
    const controller = new AbortController();
    // Registered before the status read: a cancel landing after that read still aborts the run.
    this.active.set(key, { mission: job.data, controller });
    try {
      const mission = await this.repository.findMission(tenantId, missionId);
      if (mission?.status !== 'RUNNING' || controller.signal.aborted) return;
      const number = job.attemptsMade + 1;
      await this.runner.run(mission, controller.signal, { number, final: number >= (job.opts.attempts ?? 1) });
    } finally {
      this.active.delete(key);
      if (this.active.size === 0) this.onIdle?.();
    }
  }

  private abort(key: string): void {
    this.active.get(key)?.controller.abort();
  }

  /** The backstop of the pub/sub signal, which a disconnected worker can miss. */
  private async abortRunsNoLongerRunning(): Promise<void> {
    for (const [key, run] of this.active) {
      const mission = await this.repository.findMission(run.mission.tenantId, run.mission.missionId).catch(() => undefined);
      if (mission === null || (mission && mission.status !== 'RUNNING')) this.abort(key);
    }
  }

  /**
   * The runner records FAILED itself on the last attempt, so a job that still ends failed
   * lost its run (its worker died too often, or Redis failed under it): fail the mission here.
   */
  private async onFailed(job: Job<MissionJobData> | undefined, error: Error): Promise<void> {
    if (!job) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      await this.runner.failLostRun(job.data.tenantId, job.data.missionId, error.message);
    } catch (writeError) {
      this.logger.error(`could not record failure of mission ${job.data.missionId}: ${String(writeError)}`);
    }
  }
}
