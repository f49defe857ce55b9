import type { OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { ResolvedMissionsOptions } from '../../options/missions.options.js';
import type { MissionsRedisClient } from '../../store/redis-connection.js';
import { bullmqConnection, queuePrefix } from './bullmq-connection.js';
import type { MissionJobData } from './mission-job.js';

/**
 * The BullMQ queue of mission jobs (what `@InjectMissionsQueue()` gives a host app), on a
 * connection of its own, closed with the app. One per process in `bullmq` mode, whatever its role.
 */
export class MissionQueue extends Queue<MissionJobData> implements OnApplicationShutdown {
  // ES-private: BullMQ's QueueBase has a `connection` of its own.
  readonly #connection: MissionsRedisClient;

  constructor(options: ResolvedMissionsOptions) {
    const connection = bullmqConnection(options, 'missions-queue');
    super(options.execution.queueName, { connection, prefix: queuePrefix(options) });
    this.#connection = connection;
  }

  /** Status of the queue's Redis connection, for a readiness probe. */
  get connectionStatus(): string {
    return this.#connection.status;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
    await this.#connection.quit().catch(() => this.#connection.disconnect());
  }
}
