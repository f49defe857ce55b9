import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from 'missions';
import { requestIdFor } from './request-id.js';
import type { RequestEvents } from './request-events.js';

type ExpressRequest = IncomingMessage & { originalUrl?: string; baseUrl?: string; route?: { path?: string }; user?: Principal };
type FastifyRequest = { raw: IncomingMessage; user?: Principal; routeOptions?: { url?: string } };
type FastifyReply = { raw: ServerResponse };
type OnRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
/** The part of a Fastify instance the hooks need. */
export interface FastifyHookTarget {
  addHook(name: 'onRequest', hook: OnRequest): unknown;
}

/**
 * Both adapters end in the Node response's `close`: it fires once per request, whether the
 * answer was sent or the client went away, which the drain's count depends on.
 */
function track(events: RequestEvents, raw: IncomingMessage, res: ServerResponse, describe: () => { route: string | undefined; principal: Principal | undefined; url: string }): void {
  const started = performance.now();
  const requestId = requestIdFor(raw, res);
  events.started(raw, res);
  res.once('close', () => {
    const { route, principal, url } = describe();
    events.finished({
      requestId, method: raw.method ?? '', route: route ?? 'unmatched', url, status: res.statusCode,
      durationMs: performance.now() - started, completed: res.writableFinished, principal,
    });
  });
}

/** Fastify: one `onRequest` hook, before routing to Nest (404s and parser errors included). */
export function fastifyRequestHooks(fastify: FastifyHookTarget, events: RequestEvents): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    track(events, request.raw, reply.raw, () => ({ route: request.routeOptions?.url, principal: request.user, url: request.raw.url ?? '' }));
    done();
  });
}

/** Express: a middleware; `req.route` is the matched route once the router has run. */
export function expressRequestHooks(events: RequestEvents) {
  return (req: ExpressRequest, res: ServerResponse, next: () => void): void => {
    track(events, req, res, () => ({
      route: req.route?.path === undefined ? undefined : `${req.baseUrl ?? ''}${req.route.path}`,
      principal: req.user,
      url: req.originalUrl ?? req.url ?? '',
    }));
    next();
  };
}
