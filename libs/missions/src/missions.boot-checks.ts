import type { ModulesContainer } from '@nestjs/core';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import { MISSIONS_MODULE_OPTIONS } from './missions.module-definition.js';
import { MissionsOptionsError } from './options/missions.options.js';

// These run in the options factory, which everything else (the Redis connection first) waits
// for: a boot refused here has opened nothing that would need closing.

/**
 * One instance serves every tenant of an app. A second would share the passport strategy name
 * and the host's one EventEmitter2 (each instance's listeners would see the other's events), so
 * it is refused at boot rather than left to misbehave.
 */
export function refuseSecondInstance(modules: ModulesContainer): void {
  const instances = [...modules.values()].filter((module) => module.providers.has(MISSIONS_MODULE_OPTIONS)).length;
  if (instances > 1) {
    throw new MissionsOptionsError(
      `MissionsModule is imported ${instances} times in this application; import it once (with isGlobal: true, or from one shared module). One instance serves every tenant.`,
    );
  }
}

/** Nest's own error would only name an unknown dependency of MissionsPublisher. */
export function requireEventEmitter(emitter: EventEmitter2 | undefined): void {
  if (!emitter) {
    throw new MissionsOptionsError(
      'MissionsModule needs EventEmitterModule.forRoot() (from @nestjs/event-emitter) imported in the application: mission events are published on its EventEmitter2.',
    );
  }
}
