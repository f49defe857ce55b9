/**
 * The public entry point of the `missions` package: everything a host app imports. Nothing a
 * user needs sits behind a deep import; what is not exported here is internal.
 */

// The module and its options
export { MissionsModule } from './missions.module.js';
export { DEFAULT_MISSIONS_PATH, type MissionsRoutesOption } from './http/missions-controllers.js';
export {
  MissionsOptionsError,
  resolveMissionsOptions,
  type MissionsAuthOptions,
  type MissionsExecutionOptions,
  type MissionsJwtOptions,
  type MissionsModuleOptions,
  type MissionsRedisClient,
  type MissionsRetentionOptions,
  type MissionsRole,
  type RedisClusterNode,
  type RedisConnectionConfig,
  type ResolvedExecutionOptions,
  type ResolvedMissionsOptions,
  type ResolvedRetentionOptions,
  type FinishedStatus,
} from './options/missions.options.js';
export {
  InjectMissionExecutor,
  InjectMissionsOptions,
  InjectMissionsQueue,
  InjectMissionsRedis,
  MISSION_EXECUTOR,
  MISSIONS_OPTIONS,
  MISSIONS_QUEUE,
  MISSIONS_REDIS,
} from './options/missions.constants.js';

// Programmatic use
export { MissionsService, type CreateOutcome } from './core/missions.service.js';
export { MissionRetentionSweeper, type SweepOutcome } from './core/mission-retention.sweeper.js';
export type { CreateMissionInput, LogPage, MissionPage, MissionRef } from './domain/mission-commands.js';

// Execution: handlers per mission type, and the executor seam
export { MissionHandler } from './execution/mission-handler.decorator.js';
export { MissionHandlerRegistry } from './execution/mission-handler.registry.js';
export type { MissionHandler as MissionHandlerFunction, MissionHandlerContext } from './execution/mission-handler.js';
export type { MissionExecutor, MissionRecovery } from './execution/mission-executor.js';
export {
  MISSIONS_RECOVERY_EVENT,
  MISSIONS_RECOVERY_SWEEP_EVENT,
  type MissionsRecoveryEvent,
  type MissionsRecoverySweepEvent,
} from './execution/mission-recovery.events.js';
export { MissionQueueConnections, type QueueConnectionState } from './execution/mission-queue-connections.js';
// What a job on MISSIONS_QUEUE carries (the queue itself is typed by the host's own bullmq).
export type { MissionJobData } from './execution/bullmq/mission-job.js';

// The domain
export { MISSION_STATUSES, LOG_LEVELS, isMissionStatus } from './domain/mission.types.js';
export type { JsonObject, LogLevel, Mission, MissionLogEntry, MissionStats, MissionStatus } from './domain/mission.types.js';
export { allowedSources, isTerminal, transitionAllowed } from './domain/mission-state.js';
export { EVENT_SOURCE, MissionEventType, missionTarget } from './domain/mission-events.js';
export type { EventActor, MissionDeletionReason, MissionEventEnvelope } from './domain/mission-events.js';
export type { Principal } from './domain/principal.js';

// Auth
export { MissionsAuthGuard } from './auth/missions-auth.guard.js';
export { CurrentPrincipal } from './auth/current-principal.decorator.js';
export { Public } from './auth/public.decorator.js';
export { AllowQueryToken } from './auth/query-token.js';
export { isPrincipal, principalFromClaims } from './auth/principal-from-claims.js';
export { jwtVerificationFor, JWT_CLOCK_TOLERANCE_SECONDS, type JwtAlgorithm, type JwtVerification } from './auth/jwt-verification.js';

// Store: health and error reporting a host can wire into its own probes and metrics
export { MissionsHealthRepository } from './store/missions-health.repository.js';
export { MISSIONS_STORE_ERROR_EVENT, type MissionsStoreErrorEvent } from './store/redis-store-errors.js';
export { createRedisConnection, parseClusterNodes, untilReady } from './store/redis-connection.js';

// Store: bringing missions over from another store (the service's `npm run import:seed`)
export {
  MissionImportRepository,
  type ImportedMission,
  type MissionImportOutcome,
  type TenantCounts,
} from './store/mission-import.repository.js';

// Named errors
export { InvalidCursorError } from './errors/invalid-cursor.error.js';
export { OptionalPeerMissingError } from './errors/optional-peer-missing.error.js';
export { StoreUnavailableError } from './errors/store-unavailable.error.js';
export { MissingHandlerError } from './errors/missing-handler.error.js';

// HTTP response shapes (OpenAPI models)
export {
  AcceptedResponse,
  MissionListResponse,
  MissionLogEntryResponse,
  MissionLogResponse,
  MissionResponse,
  MissionStatsResponse,
} from './http/dto/mission.response.js';
export { ErrorResponse } from './http/dto/error.response.js';

// The rules a mission id must follow (what `POST /` accepts)
export { MISSION_ID_PATTERN, RESERVED_MISSION_IDS } from './domain/mission-id.js';

// Input bounds, for a host's own body parser
export { MAX_JSON_DEPTH, requestBodyNestingProblem } from './http/json-nesting.js';

// The operator dashboard (optional: served only when a host imports the module)
export { MissionsDashboardModule } from './dashboard/missions-dashboard.module.js';
export type { MissionsDashboardOptions, DashboardClientConfig } from './dashboard/missions-dashboard.options.js';
