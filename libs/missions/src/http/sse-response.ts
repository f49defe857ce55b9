import type { ServerResponse } from 'node:http';
import type { MissionEventSink, StreamGap } from '../events/mission-event-subscription.js';
import type { StoredMissionEvent } from '../store/mission-events.repository.js';

/** One Server-Sent Events message; every line of `data` becomes a `data:` line. */
export function sseMessage(message: { id?: string; event: string; data: string }): string {
  const id = message.id === undefined ? '' : `id: ${message.id}\n`;
  return `${id}event: ${message.event}\ndata: ${message.data.split(/\r\n|\r|\n/).join('\ndata: ')}\n\n`;
}

export const SSE_HEARTBEAT = ': ping\n\n';

/**
 * A client that lets this much pile up unsent is not keeping up: it is disconnected and
 * catches up from Redis when it reconnects with its Last-Event-ID, instead of growing memory.
 */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The HTTP side of one event stream, on Node's raw response: headers, framing, heartbeat
 * comments so proxies keep an idle stream open, and a bound on what may wait unsent.
 */
export class SseResponse implements MissionEventSink {
  private heartbeat?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly heartbeatMs: number,
  ) {
    response.once('close', () => this.stop());
    // The client may have left while the stream was being opened, before this listener.
    if (response.destroyed || !response.socket || response.socket.destroyed) this.stop();
  }

  /** Sends the status and headers now, so the client knows the stream is live. */
  open(): void {
    if (this.ended) return;
    this.response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx buffers proxied responses unless told not to.
      'X-Accel-Buffering': 'no',
    });
    this.response.flushHeaders();
    this.heartbeat = setInterval(() => this.write(SSE_HEARTBEAT), this.heartbeatMs);
  }

  /** Runs `listener` once when the client goes away or the stream ends. */
  onClose(listener: () => void): void {
    if (this.ended) listener();
    else this.response.once('close', listener);
  }

  event(event: StoredMissionEvent): boolean {
    return this.write(sseMessage({ id: event.id, event: event.type, data: event.envelope }));
  }

  gap(gap: StreamGap): void {
    this.write(sseMessage({ event: 'gap', data: JSON.stringify(gap) }));
  }

  drained(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }

  end(): void {
    if (this.ended) return;
    this.stop();
    this.response.end();
  }

  private write(chunk: string): boolean {
    if (this.ended) return true;
    const accepted = this.response.write(chunk);
    if (!accepted && this.response.writableLength > SSE_MAX_BUFFERED_BYTES) this.end();
    return accepted;
  }

  private stop(): void {
    this.ended = true;
    clearInterval(this.heartbeat);
  }
}
