import { Controller, Get, Headers, Logger, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { MissionsAuthGuard } from '../auth/missions-auth.guard.js';
import type { Principal } from '../domain/principal.js';
import { AllowQueryToken } from '../auth/query-token.js';
import { MissionEventStreamService, type OpenEventStream } from '../events/mission-event-stream.service.js';
import { ApiAuthenticated, ApiErrors } from './missions.api-docs.js';
import { InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { rawResponse } from './raw-response.js';
import { SseResponse } from './sse-response.js';
import { MissionsExceptionFilter } from './missions-exception.filter.js';
import { MissionsRateLimitGuard } from './missions-rate-limit.guard.js';

const EVENT_STREAM = {
  description: 'Server-Sent Events: `id:` stream entry id, `event:` envelope type (or `gap`), `data:` envelope JSON; `: ping` heartbeats.',
  content: { 'text/event-stream': { schema: { type: 'string' } } },
};
const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'Resume after this stream entry id (`<ms>-<seq>`).' };
const ACCESS_TOKEN = { name: 'access_token', required: false, description: "The bearer token, for browsers' EventSource (ends up in access logs)." };

/**
 * Live updates as Server-Sent Events. Registered before MissionsController, so the literal
 * `events` wins over its `GET :id`. Errors found before the stream starts (401, 429, 400, 404)
 * answer as on every route; after that the status is sent and only events follow.
 */
@ApiTags('missions')
@ApiAuthenticated()
// Mounted by missionsControllers() at the instance's own path.
@Controller()
// Auth first: the rate limit is per principal. Opening a stream costs one request of the
// budget, like any other; the events it then carries cost nothing.
@UseGuards(MissionsAuthGuard, MissionsRateLimitGuard)
@UseFilters(MissionsExceptionFilter)
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
