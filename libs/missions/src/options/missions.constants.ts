import { Inject } from '@nestjs/common';

/** The ioredis client the repository uses (the module's own, or the host's). */
export const MISSIONS_REDIS = Symbol('MISSIONS_REDIS');
/** The validated {@link ResolvedMissionsOptions}. */
export const MISSIONS_OPTIONS = Symbol('MISSIONS_OPTIONS');
/** The {@link MissionExecutor} implementation. */
export const MISSION_EXECUTOR = Symbol('MISSION_EXECUTOR');
/**
 * The BullMQ `Queue` of mission jobs in `execution.mode: 'bullmq'` (job data: {@link MissionJobData}),
 * `null` in `in-process` mode. Its type comes from the host's own `bullmq`:
 * `@InjectMissionsQueue() queue: Queue<MissionJobData> | null`.
 */
export const MISSIONS_QUEUE = Symbol('MISSIONS_QUEUE');
// Internal: this process's BullMQ worker, null unless the mode is 'bullmq' and the role runs jobs.
export const MISSION_JOB_WORKER = Symbol('MISSION_JOB_WORKER');

export const InjectMissionsRedis = (): ParameterDecorator => Inject(MISSIONS_REDIS);
export const InjectMissionsOptions = (): ParameterDecorator => Inject(MISSIONS_OPTIONS);
export const InjectMissionExecutor = (): ParameterDecorator => Inject(MISSION_EXECUTOR);
export const InjectMissionsQueue = (): ParameterDecorator => Inject(MISSIONS_QUEUE);
