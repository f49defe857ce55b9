import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import type { Principal } from 'missions';
import { requestIdFor } from './request-id.js';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// Credentials never reach a log line, wherever a client put them.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.query.access_token',
  'res.headers["set-cookie"]',
];
const TOKEN_IN_URL = /([?&]access_token=)[^&#]*/gi;

type LoggedRequest = IncomingMessage & { user?: Principal; originalUrl?: string };

const httpOptions = (level: LevelWithSilent): Options<LoggedRequest, ServerResponse> => ({
  level,
  genReqId: requestIdFor,
  // Called again when the response finishes, by which time the guard has set request.user.
  customProps: (req) => (req.user ? { principal_id: req.user.principal_id, tenant_id: req.user.tenant_id } : {}),
  customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  // Probes poll every few seconds; a failing one is logged by terminus itself.
  autoLogging: { ignore: (req) => (req.originalUrl ?? req.url ?? '').startsWith('/health/') },
  redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
  serializers: {
    req: (req: { url?: string }) => ({ ...req, url: req.url?.replace(TOKEN_IN_URL, '$1[Redacted]') }),
  },
});

/**
 * nestjs-pino's settings for the standalone service: JSON lines at `level`, one per request
 * with its id (`req.id`, from `X-Request-Id` or new), `principal_id` and `tenant_id`, and no
 * credentials. `destination` defaults to stdout.
 */
export function loggerParams(level: LevelWithSilent, destination?: DestinationStream): Params {
  const options = httpOptions(level) as Options;
  return { pinoHttp: destination ? [options, destination] : options };
}
