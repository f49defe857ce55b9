// Baseline "bare": node:http + ioredis running the project's MissionsService, repository and
// Lua scripts from dist/ (so the very same Redis work per request), with no framework, no
// token verification and no DTO validation. The ceiling for the project's own overhead.
import { Redis } from 'ioredis';
import { MissionResponse, MissionStatsResponse } from '../../libs/missions/dist/http/dto/mission.response.js';
import { tenantOfBearer } from '../lib/fixtures.mjs';
import { benchPrincipal, projectStack } from '../lib/project-stack.mjs';
import { serve } from './http-kit.mjs';

const redis = new Redis(process.env.REDIS_URL);
const { service } = projectStack(redis, process.env.MISSIONS_KEY_PREFIX);

const withPrincipal = (handler) => async (ctx) => {
  try {
    return await handler(benchPrincipal(tenantOfBearer(ctx.req.headers.authorization)), ctx);
  } catch (error) {
    // Nest's HttpException, thrown by the service for 404/409/...
    if (typeof error?.getStatus === 'function') return [error.getStatus(), error.getResponse()];
    throw error;
  }
};

const create = withPrincipal(async (p, { body }) => [201, MissionResponse.from((await service.create(p, body)).mission)]);
const get = withPrincipal(async (p, { segments }) => [200, MissionResponse.from(await service.get(p, segments[0]))]);
const list = withPrincipal(async (p, { url }) => {
  const q = url.searchParams;
  const page = await service.list(p, {
    status: q.get('status') ?? undefined, limit: Number(q.get('limit') ?? 100), cursor: q.get('cursor') ?? undefined,
  });
  return [200, { missions: page.missions.map(MissionResponse.from), next_cursor: page.nextCursor }];
});
const changeStatus = withPrincipal(async (p, { segments, url, body }) => {
  const to = url.searchParams.get('mission_status') ?? body.status;
  return [200, MissionResponse.from(await service.changeStatus(p, segments[0], to))];
});
const appendLog = withPrincipal(async (p, { segments, body }) => {
  await service.appendLog(p, segments[0], body);
  return [202, { status: 'accepted' }];
});
const stats = withPrincipal(async (p) => [200, MissionStatsResponse.from(await service.stats(p), Date.now())]);

serve({ create, list, stats, get, changeStatus, appendLog }, Number(process.env.PORT));
