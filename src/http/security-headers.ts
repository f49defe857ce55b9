import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';

type Done = (error?: unknown) => void;

interface FastifyHooks {
  addHook(name: 'onRequest', hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: Done) => void): unknown;
}

/**
 * Helmet's headers on every response the standalone service sends, errors included: they are
 * set as the request arrives, before the body is read, so a malformed-JSON 400, a 413 or an
 * unknown route's 404 carry them too. Call it before anything else is registered.
 * Express: the first middleware, and no `X-Powered-By`. Fastify (which sends no such header): an
 * `onRequest` hook, which runs before its body parser.
 */
export function useSecurityHeaders(app: INestApplication): void {
  const headers = helmet();
  const adapter = app.getHttpAdapter();
  if (adapter.getType() === 'fastify') {
    (adapter.getInstance() as FastifyHooks).addHook('onRequest', (request, reply, done) => headers(request.raw, reply.raw, done));
    return;
  }
  (adapter.getInstance() as { disable(setting: string): unknown }).disable('x-powered-by');
  app.use(headers);
}
