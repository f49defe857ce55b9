import type { Logger as Pino, Level } from 'pino';
import type { FinishedRequest } from '../http/request-events.js';

const TOKEN_IN_URL = /([?&]access_token=)[^&#]*/gi;

/** An `access_token` in the query (EventSource's only way to send a token) never reaches a line. */
export const redactUrl = (url: string): string => (url.includes('access_token') ? url.replace(TOKEN_IN_URL, '$1[Redacted]') : url);

const levelOf = (r: FinishedRequest): Level => (r.status >= 500 ? 'error' : r.status >= 400 || !r.completed ? 'warn' : 'info');

/**
 * One line per request, written when the connection is done with it: what an operator needs to
 * find it and nothing more (no headers, so no credentials). Probes poll every few seconds and
 * are left out; a failing one is logged by terminus itself.
 */
export function requestLogger(pino: Pino): (r: FinishedRequest) => void {
  return (r) => {
    if (r.url.startsWith('/health/')) return;
    const level = levelOf(r);
    if (!pino.isLevelEnabled(level)) return;
    const url = redactUrl(r.url);
    const durationMs = Math.round(r.durationMs * 100) / 100;
    pino[level]({
      req_id: r.requestId,
      method: r.method,
      route: r.route,
      url,
      status: r.status,
      duration_ms: durationMs,
      ...(r.completed ? {} : { aborted: true }),
      ...(r.principal && { principal_id: r.principal.principal_id, tenant_id: r.principal.tenant_id }),
    }, `${r.method} ${url} ${r.status} ${durationMs} ms`);
  };
}
