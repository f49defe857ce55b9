// Baseline "old pattern": node:http + ioredis with the old Python service's access pattern
// (see old-pattern-store.mjs), no framework, no token verification, no validation.
import { Redis } from 'ioredis';
import { tenantOfBearer } from '../lib/fixtures.mjs';
import { OldPatternStore, TimeBoundExceeded } from './old-pattern-store.mjs';
import { serve } from './http-kit.mjs';

const store = new OldPatternStore(new Redis(process.env.REDIS_URL), process.env.MISSIONS_KEY_PREFIX);
const listBoundMs = Number(process.env.OLD_LIST_BOUND_MS ?? 10_000);
const notFound = [404, { statusCode: 404, message: 'Mission not found', error: 'Not Found' }];

const withTenant = (handler) => (ctx) => handler(tenantOfBearer(ctx.req.headers.authorization), ctx);

const create = withTenant(async (t, { body }) => [201, await store.create(t, body)]);
const get = withTenant(async (t, { segments }) => {
  const mission = await store.get(t, segments[0]);
  return mission ? [200, mission] : notFound;
});
const list = withTenant(async (t, { url }) => {
  const q = url.searchParams;
  try {
    const missions = await store.list(t, { status: q.get('status'), limit: Number(q.get('limit') ?? 100) }, Date.now() + listBoundMs);
    return [200, { missions, next_cursor: null }];
  } catch (error) {
    if (error instanceof TimeBoundExceeded) return [503, { statusCode: 503, message: `list exceeded ${listBoundMs} ms` }];
    throw error;
  }
});
const changeStatus = withTenant(async (t, { segments, url, body }) => {
  const mission = await store.changeStatus(t, segments[0], url.searchParams.get('mission_status') ?? body.status);
  return mission ? [200, mission] : notFound;
});
const appendLog = withTenant(async (t, { segments, body }) =>
  ((await store.appendLog(t, segments[0], body)) ? [202, { status: 'accepted' }] : notFound));
const stats = withTenant(async (t) => [200, { stats: await store.stats(t) }]);

serve({ create, list, stats, get, changeStatus, appendLog }, Number(process.env.PORT));
