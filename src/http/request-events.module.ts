import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { expressRequestHooks, fastifyRequestHooks, type FastifyHookTarget } from './request-hooks.js';
import { RequestEvents } from './request-events.js';

/**
 * Installs the request hooks behind {@link RequestEvents} on whichever adapter runs: Fastify
 * `onRequest` hooks, or one Express middleware. Global, so the logging, metrics and shutdown
 * modules share one set of hooks.
 */
@Global()
@Module({
  providers: [RequestEvents],
  exports: [RequestEvents],
})
export class RequestEventsModule implements NestModule {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly events: RequestEvents,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    // A worker-only process (createApplicationContext) has no HTTP adapter.
    if (!adapter) return;
    if (adapter.getType() === 'fastify') fastifyRequestHooks(adapter.getInstance<FastifyHookTarget>(), this.events);
    else consumer.apply(expressRequestHooks(this.events)).forRoutes('*');
  }
}
