import { createHash } from 'node:crypto';

/**
 * Shards of the registry of tenants with RUNNING missions. A tenant's dispatch set lives in the
 * tenant's slot, which a reconciler cannot guess, so tenants register on a shard first. Several
 * shards, each its own hash tag, spread over a cluster's masters: a tenant registers on
 * another shard when its own is unreachable, and reconcilers read them all.
 */
export const DISPATCH_SHARDS = 16;

export interface DispatchShardKeys {
  /** Zset: tenant tag → when a reconciler should next look at the tenant's dispatch set. */
  readonly schedule: string;
  /** Hash: tenant tag → when it last registered (epoch ms). */
  readonly registered: string;
}

export function dispatchShardKeys(prefix: string, shard: number): DispatchShardKeys {
  const base = `${prefix}{missions-dispatch.${shard}}:`;
  return { schedule: `${base}tenants`, registered: `${base}registered` };
}

/** The shard a tenant tries first; stable, so a tenant's entries usually stay on one shard. */
export function homeShard(tag: string): number {
  return createHash('sha1').update(tag).digest().readUInt16BE(0) % DISPATCH_SHARDS;
}

/** The tenant id behind a tag of tenantTag(): `n` is the null tenant, `t.<URI-encoded id>` a named one. */
export function tenantIdOfTag(tag: string): string | null {
  if (tag === 'n') return null;
  if (!tag.startsWith('t.')) throw new RangeError(`not a tenant tag: ${tag}`);
  return decodeURIComponent(tag.slice(2));
}
