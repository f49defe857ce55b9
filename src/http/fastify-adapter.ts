import { STATUS_CODES } from 'node:http';
import { BadRequestException, HttpException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
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

// Worded as body-parser words it, so a client sees the same 413 on either adapter.
const MESSAGES: Record<string, string> = { FST_ERR_CTP_BODY_TOO_LARGE: 'request entity too large' };

/**
 * Nest answers Fastify's own 4xx errors (body too large, unsupported media type, …) as
 * `{statusCode, message}`; the contract's clients get Nest's full error body, `error` included.
 */
type FrameworkError = Error & { statusCode?: number };
type RawReply = { raw: unknown; code(status: number): { send(body: unknown): void } };

class ContractFastifyAdapter extends FastifyAdapter {
  constructor(options: { bodyLimit: number; routerOptions: { ignoreTrailingSlash: boolean } }) {
    const self: { adapter?: ContractFastifyAdapter } = {};
    super({
      ...options,
      // Fastify's router answers a malformed URL (400) or an over-long parameter (414) itself,
      // before any hook: with the security headers (Nest's hook, as Nest's own handler does)
      // and, unlike Nest's handler, Nest's error body rather than Fastify's.
      frameworkErrors: (error: FrameworkError, request: unknown, reply: RawReply) => {
        try {
          (self.adapter as unknown as { securityHook?: (req: unknown, res: unknown) => void }).securityHook?.(request, reply.raw);
        } catch {
          // The request is refused either way.
        }
        const status = error.statusCode ?? 400;
        reply.code(status).send({ statusCode: status, message: error.message, error: STATUS_CODES[status] });
      },
    } as never);
    self.adapter = this;
  }

  override mapException(error: unknown): unknown {
    const mapped = super.mapException(error);
    if (!(mapped instanceof HttpException) || typeof mapped.getResponse() !== 'string' || mapped.getStatus() >= 500) return mapped;
    const status = mapped.getStatus();
    const message = MESSAGES[(error as { code?: string }).code ?? ''] ?? (mapped.getResponse() as string);
    return new HttpException({ statusCode: status, message, error: STATUS_CODES[status] }, status, { cause: error });
  }
}

/**
 * The Fastify adapter (the default; `HTTP_ADAPTER=express` is the option), parsing request
 * bodies as the Express adapter does so that the contract answers alike on both. A JSON body
 * above `bodyLimitBytes` answers 413 with Nest's error body.
 */
export function createFastifyAdapter(bodyLimitBytes: number): FastifyAdapter {
  // Express matches `/ui` and `/ui/` alike (non-strict routing); so does this, for the same routes.
  const adapter = new ContractFastifyAdapter({ bodyLimit: bodyLimitBytes, routerOptions: { ignoreTrailingSlash: true } });
  adapter.useBodyParser('application/json', false, { bodyLimit: bodyLimitBytes }, parseJsonLikeExpress);
  adapter.useBodyParser('text/plain', false, undefined, ignoreText);
  return adapter;
}
