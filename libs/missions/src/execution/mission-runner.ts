import { Injectable, Logger } from '@nestjs/common';
import { demoMissionHandler } from './demo-mission.handler.js';
import { MissingHandlerError } from '../errors/missing-handler.error.js';
import type { EventActor } from '../domain/mission-events.js';
import type { MissionHandler, MissionHandlerContext } from './mission-handler.js';
import { MissionHandlerRegistry } from './mission-handler.registry.js';
import { MissionRecorder } from '../events/mission-recorder.js';
import type { LogLevel, Mission } from '../domain/mission.types.js';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';

/** Which run of a mission this is, as the executor knows it. */
export interface RunAttempt {
  /** 1 for the first run. */
  number: number;
  /** No retry follows a failure of this run, so it records FAILED itself. */
  final: boolean;
}

const ONLY_ATTEMPT: RunAttempt = { number: 1, final: true };

class MissionTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Mission timed out after ${timeoutMs} ms`);
    this.name = 'MissionTimeoutError';
  }
}

type Log = (level: LogLevel, message: string, data?: Record<string, unknown>) => Promise<void>;

// Changes the system makes on its own carry no principal.
const systemActor = (tenantId: string | null): EventActor => ({ tenantId, principalId: null });
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs one RUNNING mission to its end, wherever it executes: logs start and finish, runs
 * the handler for its type (or the demo), and ends it COMPLETED or FAILED. A cancelled run
 * (aborted signal) writes nothing more: CANCELLED was already recorded by whoever cancelled.
 * A failure of a run that will be retried is logged as a warning and rethrown to the executor.
 * Every status change goes through the change-status script's allowed-from check, so a run
 * repeated after a crash can never end a mission twice.
 */
@Injectable()
export class MissionRunner {
  private readonly logger = new Logger(MissionRunner.name);

  constructor(
    private readonly recorder: MissionRecorder,
    private readonly handlers: MissionHandlerRegistry,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  async run(mission: Mission, cancelled: AbortSignal, attempt: RunAttempt = ONLY_ATTEMPT): Promise<void> {
    const actor = systemActor(mission.tenantId);
    const log: Log = async (level, message, data = {}) => {
      await this.recorder.appendLog(mission.tenantId, mission.id, { timestamp: Date.now() / 1000, level, message, data }, actor);
    };
    const handler = this.handlers.handlerFor(mission) ?? this.withoutHandler(mission);
    try {
      await log('info', 'Mission execution started', attempt.number > 1 ? { attempt: attempt.number } : {});
      const result = await this.runHandler(handler, mission, cancelled, log);
      if (cancelled.aborted) return;
      await log('info', 'Mission execution finished', { result: result ?? {} });
      await this.recorder.changeStatus(mission.tenantId, mission.id, 'COMPLETED', actor);
    } catch (error) {
      if (cancelled.aborted) return;
      // Retrying cannot help a timeout or a type nobody handles.
      if (!attempt.final && !(error instanceof MissionTimeoutError) && !(error instanceof MissingHandlerError)) {
        await log('warning', `Mission attempt ${attempt.number} failed, will retry: ${messageOf(error)}`, { error: messageOf(error) });
        throw error;
      }
      await this.fail(mission, actor, error, log);
    }
  }

  /** What runs a mission of a type nobody registered: the demo, or a failure naming the type. */
  private withoutHandler(mission: Mission): MissionHandler {
    if (this.options.execution.missingHandler === 'demo') return demoMissionHandler(this.options.demoStepMs);
    const error = new MissingHandlerError(mission.data['type'], this.handlers.types());
    return async () => {
      throw error;
    };
  }

  /**
   * Ends a RUNNING mission FAILED when its run was lost without the runner seeing it end (its
   * worker died too often, or its outcome could not be written). The error entry is written with
   * the status, atomically: only the caller that wins the change writes it, and a FAILED never
   * lacks it. False when another already ended the mission.
   */
  async failLostRun(tenantId: string | null, missionId: string, reason: string): Promise<boolean> {
    const entry = { timestamp: Date.now() / 1000, level: 'error' as const, message: `Mission execution failed: ${reason}`, data: { error: reason } };
    const result = await this.recorder.changeStatus(tenantId, missionId, 'FAILED', systemActor(tenantId), [entry]);
    return result.kind === 'changed';
  }

  /**
   * Runs the handler with a signal that fires on cancel, timeout or shutdown. The run ends when
   * the signal fires even if the handler ignores it: the handler goes on in the background, but
   * the runner records nothing more for it, and a cancel, a timeout or a process shutting down
   * never waits on a handler that does not listen.
   */
  private async runHandler(handler: MissionHandler, mission: Mission, cancelled: AbortSignal, log: Log) {
    const timeoutMs = this.options.execution.timeoutMs;
    const timeout = new AbortController();
    const signal = AbortSignal.any([cancelled, timeout.signal]);
    const context: MissionHandlerContext = { mission, signal, log, progress: (percent) => log('debug', 'Mission progress', { percent }) };
    const timer = timeoutMs > 0 ? setTimeout(() => timeout.abort(new MissionTimeoutError(timeoutMs)), timeoutMs) : undefined;
    let stopWaiting = (): void => undefined;
    const abandoned = new Promise<never>((_, reject) => {
      stopWaiting = () => reject(signal.reason);
      signal.addEventListener('abort', stopWaiting, { once: true });
    });
    try {
      if (signal.aborted) throw signal.reason;
      return await Promise.race([handler(context), abandoned]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stopWaiting);
    }
  }

  private async fail(mission: Mission, actor: EventActor, error: unknown, log: Log): Promise<void> {
    const message = messageOf(error);
    try {
      await log('error', `Mission execution failed: ${message}`, { error: message });
      await this.recorder.changeStatus(mission.tenantId, mission.id, 'FAILED', actor);
    } catch (writeError) {
      // Redis is unreachable: the mission stays RUNNING; there is nobody left to tell but the log.
      this.logger.error(`could not record failure of mission ${mission.id}: ${String(writeError)}`);
    }
  }
}
