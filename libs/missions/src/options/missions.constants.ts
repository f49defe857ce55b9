import { Inject } from '@nestjs/common';

/** The ioredis client the repository uses (the module's own, or the host's). */
export const MISSIONS_REDIS = Symbol('MISSIONS_REDIS');
/** The validated {@link ResolvedMissionsOptions}. */
export const MISSIONS_OPTIONS = Symbol('MISSIONS_OPTIONS');
/** The {@link MissionExecutor} implementation. */
export const MISSION_EXECUTOR = Symbol('MISSION_EXECUTOR');

export const InjectMissionsRedis = (): ParameterDecorator => Inject(MISSIONS_REDIS);
export const InjectMissionsOptions = (): ParameterDecorator => Inject(MISSIONS_OPTIONS);
export const InjectMissionExecutor = (): ParameterDecorator => Inject(MISSION_EXECUTOR);
