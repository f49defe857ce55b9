import { Injectable, Logger } from '@nestjs/common';
import { InjectMissionsOptions, InjectMissionsRedis } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import type { MissionRef } from '../domain/mission-commands.js';
import { blockingDuplicate, type MissionsRedisClient } from './redis-connection.js';

type CancelListener = (mission: MissionRef) => void;

/**
 * "This mission was cancelled", broadcast to every worker over Redis pub/sub: sub-millisecond
 * delivery, but at most once, so a worker that was disconnected at that moment misses it.
 * Workers therefore also re-read their missions' status now and then (MissionJobWorker).
 */
@Injectable()
export class MissionCancelSignalsRepository {
  private readonly logger = new Logger(MissionCancelSignalsRepository.name);
  private subscriber: MissionsRedisClient | null = null;

  constructor(
    @InjectMissionsRedis() private readonly redis: MissionsRedisClient,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  private get channel(): string {
    return `${this.options.keyPrefix}{missions-queue}:cancel`;
  }

  async publish(mission: MissionRef): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(mission));
  }

  /** Listens on a connection of its own (a subscribed connection can do nothing else). */
  async subscribe(listener: CancelListener): Promise<void> {
    // Queues SUBSCRIBE until connected (the repository's client refuses commands while offline),
    // with no command timeout: a subscribed connection only waits. A Cluster on a Cluster.
    const subscriber = blockingDuplicate(this.redis, 'missions-cancel-signals', undefined);
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn(`Redis (cancel signals): ${error.message}`));
    subscriber.on('message', (_channel: string, message: string) => {
      const mission = parse(message);
      if (mission) listener(mission);
    });
    await subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    this.subscriber = null;
  }
}

function parse(message: string): MissionRef | null {
  try {
    const value = JSON.parse(message) as Partial<MissionRef>;
    const tenantOk = value.tenantId === null || typeof value.tenantId === 'string';
    return tenantOk && typeof value.missionId === 'string' ? { tenantId: value.tenantId ?? null, missionId: value.missionId } : null;
  } catch {
    return null;
  }
}
