import { STATUS_CODES } from 'node:http';
import { HttpException, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { AppEnv } from '../config/env.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export type HttpSettings = Pick<AppEnv, 'bodyLimitBytes' | 'corsOrigins'>;

interface BodyParserError {
  status: number;
  expose: boolean;
  message: string;
  type: string;
}

const isBodyParserError = (error: unknown): error is BodyParserError =>
  typeof error === 'object' && error !== null && typeof (error as BodyParserError).type === 'string' &&
  typeof (error as BodyParserError).status === 'number' && (error as BodyParserError).expose === true;

/**
 * Nest maps body-parser's errors to a bare `{statusCode, message}`; the contract's clients get
 * Nest's full error body, `error` included, for a 413 as for any other 4xx.
 */
function bodyParserErrorsAsNestErrors(error: unknown, _req: Request, _res: Response, next: NextFunction): void {
  if (!isBodyParserError(error) || error.status >= 500) return next(error);
  const { status, message } = error;
  next(new HttpException({ statusCode: status, message, error: STATUS_CODES[status] }, status, { cause: error }));
}

const isExpress = (app: INestApplication): app is NestExpressApplication => app.getHttpAdapter().getType() === 'express';

/**
 * The standalone service's HTTP pipeline, on either adapter, before `init`/`listen`: security
 * headers (helmet's set, from Nest's `useSecurityHeaders`, on every answer, errors and 404s
 * included), a JSON body limit (413 above it; on Fastify the adapter applies it, see
 * createFastifyAdapter) and CORS for the configured origins only. A host app embedding
 * MissionsModule sets up its own.
 */
export function configureHttp(app: INestApplication, settings: HttpSettings): void {
  // First, so that on Express the body parser's own 400 and 413 answers carry the headers too.
  app.useSecurityHeaders();
  if (isExpress(app)) {
    // Registered before init, so Nest skips its default 100 kB JSON parser.
    app.useBodyParser('json', { limit: settings.bodyLimitBytes });
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
