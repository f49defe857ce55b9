import { Controller, Get, Headers, Logger, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { MissionsAuthGuard } from '../auth/missions-auth.guard.js';
import type { Principal } from '../domain/principal.js';
import { AllowQueryToken } from '../auth/query-token.js';
import { MissionEventStreamService, type OpenEventStream } from '../events/mission-event-stream.service.js';
import { ApiAuthenticated, ApiErrors } from './missions.api-docs.js';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { SseResponse } from './sse-response.js';
import { StoreUnavailableFilter } from './store-unavailable.filter.js';

const EVENT_STREAM = {
  description: 'Server-Sent Events: `id:` stream entry id, `event:` envelope type (or `gap`), `data:` envelope JSON; `: ping` heartbeats.',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};
const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'Resume after this stream entry id (`<ms>-<seq>`).' };
const ACCESS_TOKEN = { name: 'access_token', required: false, description: "The bearer token, for browsers' EventSource (ends up in access logs)." };

/**
 * Live updates as Server-Sent Events. Registered before MissionsController, so the literal
 * `events` wins over its `GET :id`. Errors found before the stream starts (401, 400, 404)
 * answer as on every route; after that the status is sent and only events follow.
 */
@ApiTags('missions')
@ApiAuthenticated()
// Mounted by missionsControllers() at the instance's own path.
@Controller()
@UseGuards(MissionsAuthGuard)
@UseFilters(StoreUnavailableFilter)
@AllowQueryToken()
export class MissionsEventsController {
  private readonly logger = new Logger(MissionsEventsController.name);

  constructor(
    private readonly streams: MissionEventStreamService,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  @Get('events')
  @ApiOperation({ summary: "Live events of the caller's tenant" })
  @ApiHeader(LAST_EVENT_ID)
  @ApiQuery(ACCESS_TOKEN)
  @ApiOkResponse(EVENT_STREAM)
  @ApiErrors([400, 'Malformed Last-Event-ID.'])
  async tenantEvents(
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: unknown,
  ): Promise<void> {
    await this.stream(principal, { missionId: null, lastEventId }, response);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Live events of one mission' })
  @ApiHeader(LAST_EVENT_ID)
  @ApiQuery(ACCESS_TOKEN)
  @ApiOkResponse(EVENT_STREAM)
  @ApiErrors([400, 'Malformed Last-Event-ID.'], 404)
  async missionEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() response: unknown,
  ): Promise<void> {
    await this.stream(principal, { missionId: id, lastEventId }, response);
  }

  private async stream(principal: Principal, request: OpenEventStream, response: unknown): Promise<void> {
    const stream = await this.streams.open(principal, request);
    const sse = new SseResponse(rawResponse(response), this.options.sseHeartbeatMs);
    sse.onClose(() => stream.close());
    sse.open();
    stream.run(sse).catch((error: unknown) => {
      // Headers are gone already: end the stream, the client resumes with its Last-Event-ID.
      this.logger.warn(`event stream failed: ${String(error)}`);
      sse.end();
    });
  }
}

/** Express hands out the Node response itself, Fastify a reply wrapping it as `raw`. */
function rawResponse(response: unknown): ServerResponse {
  const reply = response as { raw?: ServerResponse; hijack?: () => void };
  if (reply.raw === undefined) return response as ServerResponse;
  reply.hijack?.();
  return reply.raw;
}
