/** One event as the stream sends it (the contract's envelope). */
export interface MissionEnvelope {
  id: string;
  type: 'mission.created' | 'mission.status_changed' | 'mission.log_appended' | 'mission.deleted';
  timestamp: number;
  payload: Record<string, unknown> & { mission_id: string };
}

export type FeedState =
  | { kind: 'connecting' }
  | { kind: 'live'; resumed: boolean }
  | { kind: 'reconnecting'; reason: string; retryAt: number };

export interface FeedHandlers {
  event(envelope: MissionEnvelope): void;
  /** The view must be reloaded: first connection, a gap, or a reconnect with nothing to resume from. */
  reset(): void;
  state(state: FeedState): void;
  unauthorized(): void;
}

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/**
 * The tenant's Server-Sent Events over fetch rather than EventSource: the token goes in the
 * Authorization header (not the URL, so not into access logs), and every reconnect, including
 * after a 503 that EventSource would give up on, sends the last id seen as `Last-Event-ID`.
 */
export class EventFeed {
  private lastEventId: string | null = null;
  private abort?: AbortController;
  private stopped = false;
  private failures = 0;
  private timer?: number;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly handlers: FeedHandlers,
  ) {}

  start(): void {
    this.handlers.state({ kind: 'connecting' });
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private async connect(): Promise<void> {
    const abort = (this.abort = new AbortController());
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' };
    const resumeFrom = this.lastEventId;
    if (resumeFrom !== null) headers['Last-Event-ID'] = resumeFrom;
    let reason = 'the stream ended';
    try {
      const response = await fetch(this.url, { headers, signal: abort.signal, cache: 'no-store' });
      if (response.status === 401) return this.handlers.unauthorized();
      if (!response.ok || !response.body) {
        throw new Error(response.status === 503 ? 'the mission store is unavailable' : `HTTP ${response.status}`);
      }
      this.failures = 0;
      if (performance.getEntriesByName('missions:stream-open').length === 0) performance.mark('missions:stream-open');
      this.handlers.state({ kind: 'live', resumed: resumeFrom !== null });
      if (resumeFrom === null) this.handlers.reset();
      await this.read(response.body);
    } catch (error) {
      reason = error instanceof TypeError ? 'the service is unreachable' : (error as Error).message;
    }
    if (this.stopped) return;
    const delay = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)] * (0.75 + Math.random() / 2);
    this.handlers.state({ kind: 'reconnecting', reason, retryAt: Date.now() + delay });
    this.timer = window.setTimeout(() => void this.connect(), delay);
  }

  private async read(body: ReadableStream<BufferSource>): Promise<void> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let message: { id?: string; event?: string; data: string[] } = { data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === '') {
          this.dispatch(message);
          message = { data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') message.data.push(value);
          else if (field === 'id' || field === 'event') message[field] = value;
        }
      }
    }
  }

  private dispatch(message: { id?: string; event?: string; data: string[] }): void {
    if (message.id !== undefined) this.lastEventId = message.id;
    if (message.event === 'gap') return this.handlers.reset();
    if (message.data.length === 0 || !message.event?.startsWith('mission.')) return;
    this.handlers.event(JSON.parse(message.data.join('\n')) as MissionEnvelope);
  }
}
