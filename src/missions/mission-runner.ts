import { Injectable, Logger } from '@nestjs/common';
import { demoMissionHandler } from './demo-mission.handler.js';
import type { EventActor } from './mission-events.js';
import type { MissionHandlerContext } from './mission-handler.js';
import { MissionHandlerRegistry } from './mission-handler.registry.js';
import { MissionRecorder } from './mission-recorder.js';
import type { LogLevel, Mission } from './mission.types.js';
import { InjectMissionsOptions } from './missions.constants.js';
import type { ResolvedMissionsOptions } from './missions.options.js';

/**
 * Runs one RUNNING mission to its end, wherever it executes: logs start and finish, runs
 * the handler for its type (or the demo), and ends it COMPLETED or FAILED. A cancelled run
 * (aborted signal) writes nothing more: CANCELLED was already recorded by whoever cancelled.
 */
@Injectable()
export class MissionRunner {
  private readonly logger = new Logger(MissionRunner.name);

  constructor(
    private readonly recorder: MissionRecorder,
    private readonly handlers: MissionHandlerRegistry,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  async run(mission: Mission, signal: AbortSignal): Promise<void> {
    // Changes the system makes on its own carry no principal.
    const actor: EventActor = { tenantId: mission.tenantId, principalId: null };
    const log = async (level: LogLevel, message: string, data: Record<string, unknown> = {}) => {
      await this.recorder.appendLog(mission.tenantId, mission.id, { timestamp: Date.now() / 1000, level, message, data }, actor);
    };
    const context: MissionHandlerContext = {
      mission,
      signal,
      log,
      progress: (percent) => log('debug', 'Mission progress', { percent }),
    };
    const handler = this.handlers.handlerFor(mission) ?? demoMissionHandler(this.options.demoStepMs);
    try {
      await log('info', 'Mission execution started');
      const result = await handler(context);
      if (signal.aborted) return;
      await log('info', 'Mission execution finished', { result: result ?? {} });
      await this.recorder.changeStatus(mission.tenantId, mission.id, 'COMPLETED', actor);
    } catch (error) {
      if (signal.aborted) return;
      await this.fail(mission, actor, error, log);
    }
  }

  private async fail(
    mission: Mission,
    actor: EventActor,
    error: unknown,
    log: (level: LogLevel, message: string, data?: Record<string, unknown>) => Promise<void>,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await log('error', `Mission execution failed: ${message}`, { error: message });
      await this.recorder.changeStatus(mission.tenantId, mission.id, 'FAILED', actor);
    } catch (writeError) {
      // Redis is unreachable: the mission stays RUNNING; there is nobody left to tell but the log.
      this.logger.error(`could not record failure of mission ${mission.id}: ${String(writeError)}`);
    }
  }
}
