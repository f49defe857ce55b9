import { Inject, Injectable } from '@nestjs/common';
import { MISSION_JOB_WORKER, MISSIONS_QUEUE } from '../options/missions.constants.js';

export interface QueueConnectionState {
  name: 'queue' | 'worker';
  status: string;
}

// Structural, so this file (exported to every host) never loads bullmq.
type ConnectionHolder = { readonly connectionStatus: string | null } | null;

/**
 * The BullMQ connections this process holds (the queue for enqueueing, the worker's), for a
 * readiness probe: a worker whose queue connection is down takes no jobs even while the
 * module's own Redis client answers. Empty in in-process mode.
 */
@Injectable()
export class MissionQueueConnections {
  private readonly holders: { name: QueueConnectionState['name']; holder: ConnectionHolder }[];

  constructor(@Inject(MISSIONS_QUEUE) queue: object | null, @Inject(MISSION_JOB_WORKER) worker: object | null) {
    this.holders = [
      { name: 'queue', holder: queue as ConnectionHolder },
      { name: 'worker', holder: worker as ConnectionHolder },
    ];
  }

  states(): QueueConnectionState[] {
    return this.holders.flatMap(({ name, holder }) => {
      const status = holder?.connectionStatus ?? null;
      return status === null ? [] : [{ name, status }];
    });
  }
}
