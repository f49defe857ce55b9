import { retentionTenantsKey, tenantTag } from './mission-keys.js';
import type { MissionsRedisClient } from './redis-connection.js';

/** How long a process trusts its own registration of a tenant before writing it again. */
const REGISTER_AGAIN_AFTER_MS = 60_000;
const MAX_REMEMBERED_TENANTS = 10_000;

/**
 * Writes the registry of tenants with finished missions (see {@link retentionTenantsKey}), so
 * the retention sweeper finds every such tenant, not only the recently active ones. A tenant
 * is registered BEFORE a mission of it can finish: a crash between the two leaves a harmless
 * registration, never a finished mission the sweeper cannot find. Tenants are never removed.
 */
export class FinishedTenantsRegistry {
  private readonly registeredAt = new Map<string, number>();
  private readonly key: string;

  constructor(private readonly redis: MissionsRedisClient, keyPrefix: string) {
    this.key = retentionTenantsKey(keyPrefix);
  }

  async register(tenantId: string | null, now = Date.now()): Promise<void> {
    const tag = tenantTag(tenantId);
    const last = this.registeredAt.get(tag);
    if (last !== undefined && now - last < REGISTER_AGAIN_AFTER_MS) return;
    // NX: an existing entry carries the sweeper's schedule, which already covers new missions.
    await this.redis.zadd(this.key, 'NX', now, tag);
    if (this.registeredAt.size >= MAX_REMEMBERED_TENANTS) this.registeredAt.clear();
    this.registeredAt.set(tag, now);
  }
}
