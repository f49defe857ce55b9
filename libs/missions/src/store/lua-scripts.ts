import { readFileSync } from 'node:fs';
import type { MissionsRedisClient } from './redis-connection.js';

/** A script of ./scripts/, and its key count when fixed (else the caller passes it first). */
export interface ScriptFile {
  file: string;
  numberOfKeys?: number;
}

/**
 * Registers each script on the client by name, so it runs as EVALSHA (ioredis falls back to
 * EVAL once per connection), and returns the client typed with those commands, which ioredis
 * cannot type itself.
 */
export function defineScripts<T>(redis: MissionsRedisClient, scripts: Record<keyof T, ScriptFile>): T {
  for (const [name, { file, numberOfKeys }] of Object.entries<ScriptFile>(scripts)) {
    redis.defineCommand(name, { lua: readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8'), numberOfKeys });
  }
  return redis as unknown as T;
}
