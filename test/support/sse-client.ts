import { get, type IncomingHttpHeaders, type ClientRequest } from 'node:http';

/** One parsed Server-Sent Events message, or a `:` comment line (heartbeat). */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * A minimal streaming SSE client on node:http (supertest buffers whole bodies). Frames are
 * parsed as they arrive, per the EventSource rules this service relies on.
 */
export class SseClient {
  readonly frames: SseFrame[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  body = '';
  private request?: ClientRequest;
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  /** Connects and resolves once the status and headers arrived (the stream is subscribed then). */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      client.request = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        client.status = response.statusCode ?? 0;
        client.headers = response.headers;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.feed(chunk));
        response.on('close', () => {
          client.closed = true;
          client.wake();
        });
        resolve();
      });
      client.request.on('error', reject);
    });
    return client;
  }

  /** Messages with an event name (comments left out). */
  get events(): SseFrame[] {
    return this.frames.filter((frame) => frame.event !== undefined);
  }

  /** Waits until `count` messages arrived; fails after `timeoutMs`. */
  async waitForEvents(count: number, timeoutMs = 5000): Promise<SseFrame[]> {
    await this.until(() => this.events.length >= count, timeoutMs, `${count} events (got ${this.events.length})`);
    return this.events;
  }

  async until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`SSE: no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  close(): void {
    this.request?.destroy();
  }

  private feed(chunk: string): void {
    this.body += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.frames.push(parseFrame(block));
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'id' || field === 'event') frame[field] = value;
  }
  return frame;
}
