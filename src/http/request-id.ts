import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// Visible ASCII only: the id lands in every log line of the request and must not forge lines.
const ACCEPTABLE_REQUEST_ID = /^[\x21-\x7E]{1,128}$/;

/**
 * The caller's `X-Request-Id` when it is 1–128 visible ASCII characters, else a new UUID;
 * echoed in the response's `X-Request-Id` so the caller can quote it.
 */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER.toLowerCase()];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
