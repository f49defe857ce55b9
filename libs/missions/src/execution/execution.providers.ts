import type { Provider } from '@nestjs/common';
import { importOptionalPeer } from '../errors/optional-peer-missing.error.js';
import { MISSION_EXECUTOR, MISSION_JOB_WORKER, MISSIONS_OPTIONS, MISSIONS_QUEUE } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { MissionCancelSignalsRepository } from '../store/mission-cancel-signals.repository.js';
import { MissionsRepository } from '../store/missions.repository.js';
import type { MissionQueue } from './bullmq/mission-queue.js';
import { InProcessMissionExecutor } from './in-process-mission.executor.js';
import type { MissionExecutor } from './mission-executor.js';
import { MissionQueueConnections } from './mission-queue-connections.js';
import { MissionRunner } from './mission-runner.js';

// bullmq is an optional peer: imported only when the mode asks for it.
const loadBullMq = () => importOptionalPeer(`execution.mode 'bullmq'`, ['bullmq'], () => import('./bullmq/bullmq-execution.js'));

/**
 * Where missions run: MISSION_EXECUTOR is the in-process executor, or in `bullmq` mode the
 * BullMQ one with this process's queue (MISSIONS_QUEUE) and, unless the role is `api`, its worker.
 */
export const executionProviders: Provider[] = [
  InProcessMissionExecutor,
  {
    provide: MISSIONS_QUEUE,
    inject: [MISSIONS_OPTIONS],
    useFactory: async (options: ResolvedMissionsOptions): Promise<MissionQueue | null> =>
      options.execution.mode === 'bullmq' ? new (await loadBullMq()).MissionQueue(options) : null,
  },
  {
    provide: MISSION_EXECUTOR,
    inject: [MISSIONS_OPTIONS, MISSIONS_QUEUE, InProcessMissionExecutor, MissionCancelSignalsRepository, MissionsRepository],
    useFactory: async (
      options: ResolvedMissionsOptions,
      queue: MissionQueue | null,
      inProcess: InProcessMissionExecutor,
      cancelSignals: MissionCancelSignalsRepository,
      repository: MissionsRepository,
    ): Promise<MissionExecutor> =>
      queue ? new (await loadBullMq()).BullMqMissionExecutor(options, queue, cancelSignals, repository) : inProcess,
  },
  {
    provide: MISSION_JOB_WORKER,
    inject: [MISSIONS_OPTIONS, MissionsRepository, MissionRunner, MissionCancelSignalsRepository],
    useFactory: async (
      options: ResolvedMissionsOptions,
      repository: MissionsRepository,
      runner: MissionRunner,
      cancelSignals: MissionCancelSignalsRepository,
    ) => {
      const { mode, role } = options.execution;
      if (mode !== 'bullmq' || role === 'api') return null;
      return new (await loadBullMq()).MissionJobWorker(options, repository, runner, cancelSignals);
    },
  },
  MissionQueueConnections,
];
