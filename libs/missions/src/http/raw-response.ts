import type { ServerResponse } from 'node:http';

/** Express hands out the Node response itself, Fastify a reply wrapping it as `raw`. */
export function rawResponse(response: unknown): ServerResponse {
  const reply = response as { raw?: ServerResponse; hijack?: () => void };
  if (reply.raw === undefined) return response as ServerResponse;
  reply.hijack?.();
  return reply.raw;
}
