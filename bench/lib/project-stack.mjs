// The project's own use-case and storage code from dist/, wired by hand without Nest: the bare
// baseline serves with it and the seeder loads with it, so both do exactly the project's Redis work.
import 'reflect-metadata';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { MissionRecorder } from '../../libs/missions/dist/events/mission-recorder.js';
import { resolveMissionsOptions } from '../../libs/missions/dist/options/missions.options.js';
import { MissionsPublisher } from '../../libs/missions/dist/events/missions.publisher.js';
import { MissionsRepository } from '../../libs/missions/dist/store/missions.repository.js';
import { MissionsService } from '../../libs/missions/dist/core/missions.service.js';

// The bench moves missions PENDING -> CANCELLED only, which never reaches the executor.
const noExecution = {
  start: () => Promise.reject(new Error('the bench does not execute missions')),
  cancel: () => Promise.resolve(),
};

export function projectStack(redis, keyPrefix) {
  const options = resolveMissionsOptions({ redis: { client: redis }, keyPrefix, auth: { mode: 'host' } });
  const repository = new MissionsRepository(redis, options);
  const recorder = new MissionRecorder(repository, new MissionsPublisher(new EventEmitter2()));
  const service = new MissionsService(repository, recorder, noExecution, options);
  return { options, repository, recorder, service };
}

export const benchPrincipal = (tenantId) => ({ principal_id: 'bench-user', tenant_id: tenantId, app_id: null, roles: [] });
