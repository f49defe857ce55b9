import { STATUS_CODES } from 'node:http';
import { HttpException, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { requestBodyNestingProblem } from 'missions';
import type { AppEnv } from '../config/env.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { useSecurityHeaders } from './security-headers.js';

export type HttpSettings = Pick<AppEnv, 'bodyLimitBytes' | 'corsOrigins'>;

interface BodyParserError {
  status: number;
  expose?: boolean;
  message: string;
  type?: string;
}

// Deeply nested JSON is slow to parse (a 256 KiB body of brackets blocks the event loop for half
// a second) only to be refused afterwards: it is refused from its text, before parsing.
const TOO_DEEP = 'entity.too.deep';

function refuseDeepJson(_req: unknown, _res: unknown, body: Buffer): void {
  const problem = requestBodyNestingProblem(body.toString('utf8'));
  if (problem) throw Object.assign(new Error(problem), { status: 400, expose: true, type: TOO_DEEP });
}

// body-parser's own errors carry a `type`; a broken compressed body (zlib) only a `status`.
const isBodyParserError = (error: unknown): error is BodyParserError =>
  typeof error === 'object' && error !== null && !(error instanceof HttpException) &&
  typeof (error as BodyParserError).status === 'number';

/**
 * Nest maps body-parser's errors to a bare `{statusCode, message}`; the contract's clients get
 * Nest's full error body, `error` included, for a 413 as for any other 4xx.
 */
function bodyParserErrorsAsNestErrors(error: unknown, _req: Request, _res: Response, next: NextFunction): void {
  if (!isBodyParserError(error) || error.status < 400 || error.status >= 500) return next(error);
  const { status, type } = error;
  const message = error.expose === false ? STATUS_CODES[status] : error.message;
  // Like a validation error, the depth error names the field in a list.
  const body = { statusCode: status, message: type === TOO_DEEP ? [message] : message, error: STATUS_CODES[status] };
  next(new HttpException(body, status, { cause: error }));
}

const isExpress = (app: INestApplication): app is NestExpressApplication => app.getHttpAdapter().getType() === 'express';

/**
 * The standalone service's HTTP pipeline, on either adapter, before `init`/`listen`: security
 * headers on every answer (errors and 404s included), a JSON body limit (413 above it) and
 * nesting limit (400 past it; on Fastify the adapter applies both, see createFastifyAdapter),
 * and CORS for the configured origins only. A host app embedding MissionsModule sets up its own.
 */
export function configureHttp(app: INestApplication, settings: HttpSettings): void {
  // First, so that the body parser's errors (400, 413) carry the headers too.
  useSecurityHeaders(app);
  if (isExpress(app)) {
    // Registered before init, so Nest skips its default 100 kB parsers.
    // Nest's typings leave out body-parser's `verify` (kept for its rawBody option); it is passed on.
    const json = { limit: settings.bodyLimitBytes, verify: refuseDeepJson };
    app.useBodyParser('json', json as { limit: number });
    // Nest's default form parser (extended, as Nest sets it) would come after the mapping below.
    app.useBodyParser('urlencoded', { limit: settings.bodyLimitBytes, extended: true });
    app.use(bodyParserErrorsAsNestErrors);
  }
  if (settings.corsOrigins.length > 0) {
    app.enableCors({
      origin: settings.corsOrigins[0] === '*' ? '*' : settings.corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', REQUEST_ID_HEADER, 'Last-Event-ID'],
      exposedHeaders: [REQUEST_ID_HEADER, 'Idempotent-Replayed'],
      maxAge: 600,
    });
  }
}
