import type { MissionRef } from '../../domain/mission-commands.js';
import { tenantTag } from '../../store/mission-keys.js';

/** What a queued job carries: only the mission's address; the worker reads the mission itself. */
export type MissionJobData = MissionRef;

/**
 * One job per mission, so a repeated start cannot enqueue twice. Mission ids are unique per
 * tenant only, hence the tenant's tag in front. BullMQ refuses ':' in custom ids and the
 * tag never holds '/', so `<tag>/<encoded id>` is unambiguous.
 */
export function missionJobId(tenantId: string | null, missionId: string): string {
  return `${tenantTag(tenantId)}/${encodeURIComponent(missionId)}`;
}
