import { BadRequestException } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { requestBodyNestingProblem } from 'missions';

type Done = (error: Error | null, body?: unknown) => void;

// Express (body-parser) reads an empty JSON body as {} and a malformed one as Nest's 400;
// Fastify would refuse the first, e.g. `POST /:id/status?mission_status=…` sent with
// `Content-Type: application/json` and no body, which the contract accepts.
// A body nested past the limit is refused from its text, before the slow parse (see http-setup.ts).
function parseJsonLikeExpress(_request: unknown, body: Buffer, done: Done): void {
  if (body.length === 0) return done(null, {});
  const text = body.toString('utf8');
  const tooDeep = requestBodyNestingProblem(text);
  if (tooDeep) return done(new BadRequestException([tooDeep]));
  try {
    done(null, JSON.parse(text));
  } catch (error) {
    done(new BadRequestException((error as Error).message));
  }
}

// Express has no text parser and leaves such a body unread; Fastify would hand the DTO a string.
function ignoreText(_request: unknown, _body: Buffer, done: Done): void {
  done(null, undefined);
}

/**
 * The Fastify adapter (`HTTP_ADAPTER=fastify`), parsing request bodies as the Express adapter
 * does so that the contract answers alike on both. Imported lazily: Express deployments never
 * load Fastify.
 */
export async function createFastifyAdapter(): Promise<FastifyAdapter> {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  // Express matches `/ui` and `/ui/` alike (non-strict routing); so does this, for the same routes.
  const adapter = new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } });
  adapter.useBodyParser('application/json', false, undefined, parseJsonLikeExpress);
  adapter.useBodyParser('text/plain', false, undefined, ignoreText);
  return adapter;
}
