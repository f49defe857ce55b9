import { setTimeout as sleep } from 'node:timers/promises';
import type { MissionHandler } from './mission-handler.js';

/**
 * The old service's behaviour for missions without a handler: one step that echoes the
 * mission's data, `stepMs` apart. The abortable sleeps are the "next step" where a
 * cancelled mission stops.
 */
export function demoMissionHandler(stepMs: number): MissionHandler {
  return async (context) => {
    await sleep(stepMs, undefined, { signal: context.signal });
    await context.log('info', 'Mission executing step 1', { payload: context.mission.data });
    await sleep(stepMs, undefined, { signal: context.signal });
    return { status: 'OK' };
  };
}
