import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestEvents } from '../http/request-events.js';
import { SHUTDOWN_OPTIONS, type ShutdownOptions } from './shutdown.options.js';

const POLL_MS = 20;
const QUIET_POLLS = 3;
const netClose = NetServer.prototype.close;

/**
 * The first step of a graceful shutdown (SIGTERM with `enableShutdownHooks`, or `app.close()`).
 * Nest itself closes the HTTP server only after the `beforeApplicationShutdown` hooks (the
 * executors' drain), so the port would keep accepting meanwhile. Here, in `onModuleDestroy`,
 * which runs before them: stop listening at once, let the requests in flight finish (each
 * answer tells its keep-alive connection to close), and after `graceMs` cut what is left. Redis is
 * closed later, in `onApplicationShutdown`, so the in-flight requests still reach it.
 */
@Injectable()
export class HttpDrain implements OnModuleDestroy {
  private readonly logger = new Logger(HttpDrain.name);
  private active = 0;
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SHUTDOWN_OPTIONS) private readonly options: ShutdownOptions,
    events: RequestEvents,
  ) {
    events.onStarted((_request, response) => {
      this.active += 1;
      // While draining, each answer tells its keep-alive connection to close.
      if (this.draining) response.setHeader('Connection', 'close');
    });
    events.onFinished(() => (this.active -= 1));
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.active;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    this.draining = true;
    // net.Server's close, not http.Server's: that one also drops every connection without a
    // request in progress, among them those just accepted whose request is still on the wire.
    const closed = new Promise<void>((resolve) => netClose.call(server, () => resolve()));
    const deadline = Date.now() + this.options.graceMs;
    let quietPolls = 0;
    // Done when nothing has been in flight for a few polls: accepted connections have had time
    // to deliver their request, and each answer during the drain closed its connection.
    while (quietPolls < QUIET_POLLS && Date.now() < deadline) {
      await sleep(POLL_MS);
      quietPolls = this.active === 0 ? quietPolls + 1 : 0;
    }
    if (this.active > 0) this.logger.warn(`shutdown grace of ${this.options.graceMs} ms over; cutting ${this.active} request(s)`);
    server.closeAllConnections();
    await closed;
  }
}
