import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { MissionEventEnvelope } from '../domain/mission-events.js';

/**
 * Emits committed mission events in-process, under the event's `type`.
 * Called only after the Redis write succeeded. Emission is deferred with setImmediate and
 * every listener error is caught, so a throwing or async-slow listener never fails or delays
 * the request that caused the event. Deferral keeps order: one queue, FIFO.
 */
@Injectable()
export class MissionsPublisher {
  private readonly logger = new Logger(MissionsPublisher.name);

  // Optional only so that a missing EventEmitterModule reaches requireEventEmitter() (boot checks)
  // and its message, rather than Nest's unknown-dependency error; the boot stops there.
  constructor(@Optional() private readonly emitter: EventEmitter2) {}

  publish(events: readonly MissionEventEnvelope[]): void {
    if (events.length === 0) return;
    setImmediate(() => {
      for (const event of events) this.emitOne(event);
    });
  }

  private emitOne(event: MissionEventEnvelope): void {
    try {
      this.emitter.emitAsync(event.type, event).catch((error: unknown) => this.report(event, error));
    } catch (error) {
      this.report(event, error);
    }
  }

  private report(event: MissionEventEnvelope, error: unknown): void {
    this.logger.error(`listener of ${event.type} ${event.id} failed: ${String(error)}`);
  }
}
