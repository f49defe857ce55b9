export type TestHttpAdapter = 'fastify' | 'express';

/**
 * The adapter the specs run on: Fastify, the service's default, unless
 * MISSIONS_TEST_HTTP_ADAPTER=express (what HTTP_ADAPTER=express selects in main.ts).
 */
export function testHttpAdapter(): TestHttpAdapter {
  const name = process.env.MISSIONS_TEST_HTTP_ADAPTER ?? 'fastify';
  if (name !== 'fastify' && name !== 'express') throw new Error(`MISSIONS_TEST_HTTP_ADAPTER must be fastify or express, got "${name}".`);
  return name;
}
