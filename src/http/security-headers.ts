import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';

/**
 * Helmet's headers on every response the standalone service sends, errors included: they are
 * set as the request arrives, before the body is read, so a malformed-JSON 400, a 413 or an
 * unknown route's 404 carry them too. Call it before anything else is registered.
 * Express: the first middleware, and no `X-Powered-By`. Fastify (which sends no such header):
 * Nest's security hook, which runs before its body parser.
 */
export function useSecurityHeaders(app: INestApplication): void {
  const adapter = app.getHttpAdapter();
  answerMalformedHttp(app.getHttpServer() as Server);
  if (adapter.getType() === 'fastify') {
    // Nest's own (helmet's headers, computed once): its hook also covers what Fastify refuses
    // before any onRequest hook runs, such as a malformed URL (400).
    app.useSecurityHeaders();
    return;
  }
  (adapter.getInstance() as { disable(setting: string): unknown }).disable('x-powered-by');
  app.use(helmet());
}

/** Helmet's defaults, for the one response no framework writes (below). */
const MALFORMED_HTTP_RESPONSE = [
  'HTTP/1.1 400 Bad Request',
  'Content-Type: application/json; charset=utf-8',
  'X-Content-Type-Options: nosniff',
  "Content-Security-Policy: default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'X-Frame-Options: SAMEORIGIN',
  'Strict-Transport-Security: max-age=31536000; includeSubDomains',
  'Referrer-Policy: no-referrer',
  'Connection: close',
];

/**
 * Bytes Node's HTTP parser cannot read (e.g. a DELETE body sent without a length, read as the
 * next request) get Node's bare `400` with no body and no headers. Answer them like every other
 * error instead: Nest's error body and the security headers, then close.
 */
function answerMalformedHttp(server: Server): void {
  server.removeAllListeners('clientError');
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler: once an earlier response on this connection has begun, a second
    // one would corrupt it; just close.
    if (!socket.writable || socket.bytesWritten > 0 || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ statusCode: 400, message: 'Malformed HTTP request', error: 'Bad Request' });
    socket.end([...MALFORMED_HTTP_RESPONSE, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'));
  });
}
