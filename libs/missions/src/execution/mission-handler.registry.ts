import { Injectable } from '@nestjs/common';
import type { MissionHandler } from './mission-handler.js';
import type { Mission } from '../domain/mission.types.js';

/**
 * Handlers per mission type, registered by the host app (e.g. in `onModuleInit`):
 * `registry.register('deploy', async (ctx) => …)`. A mission whose `data.type` has no
 * handler follows `execution.missingHandler`: FAILED (default) or the old service's demo.
 */
@Injectable()
export class MissionHandlerRegistry {
  private readonly handlers = new Map<string, MissionHandler>();

  register(type: string, handler: MissionHandler): void {
    if (this.handlers.has(type)) throw new Error(`A mission handler for type "${type}" is already registered.`);
    this.handlers.set(type, handler);
  }

  /** The registered types, for messages. */
  types(): string[] {
    return [...this.handlers.keys()];
  }

  /** The handler for the mission's `data.type`, if one is registered. */
  handlerFor(mission: Mission): MissionHandler | undefined {
    const type = mission.data['type'];
    return typeof type === 'string' ? this.handlers.get(type) : undefined;
  }
}
