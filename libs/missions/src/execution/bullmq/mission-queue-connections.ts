import { Injectable } from '@nestjs/common';
import { BullMqMissionExecutor } from './bullmq-mission.executor.js';
import { MissionJobWorker } from './mission-job.worker.js';

export interface QueueConnectionState {
  name: 'queue' | 'worker';
  status: string;
}

/**
 * The BullMQ connections this process holds (the queue for enqueueing, the worker's), for a
 * readiness probe: a worker whose queue connection is down takes no jobs even while the
 * module's own Redis client answers. Empty in in-process mode.
 */
@Injectable()
export class MissionQueueConnections {
  constructor(
    private readonly queue: BullMqMissionExecutor,
    private readonly worker: MissionJobWorker,
  ) {}

  states(): QueueConnectionState[] {
    const states: QueueConnectionState[] = [];
    if (this.queue.connectionStatus !== null) states.push({ name: 'queue', status: this.queue.connectionStatus });
    if (this.worker.connectionStatus !== null) states.push({ name: 'worker', status: this.worker.connectionStatus });
    return states;
  }
}
