import {
  BadRequestException, Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res,
  UseFilters, UseGuards, UsePipes, ValidationPipe,
} from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { MissionsAuthGuard } from '../auth/missions-auth.guard.js';
import type { Principal } from '../domain/principal.js';
import { Public } from '../auth/public.decorator.js';
import { AppendLogDto } from './dto/append-log.dto.js';
import { ChangeStatusBody, ChangeStatusQuery } from './dto/change-status.dto.js';
import { CreateMissionDto } from './dto/create-mission.dto.js';
import { ListMissionsQuery } from './dto/list-missions.query.js';
import {
  AcceptedResponse, MissionListResponse, MissionLogEntryResponse, MissionLogResponse, MissionResponse,
  MissionStatsResponse, StatusOkResponse,
} from './dto/mission.response.js';
import { ReadLogQuery } from './dto/read-log.query.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';
import { ApiAuthenticated, ApiErrors } from './missions.api-docs.js';
import { MissionsRateLimitGuard } from './missions-rate-limit.guard.js';
import { MissionsService } from '../core/missions.service.js';
import { StoreUnavailableFilter } from './store-unavailable.filter.js';

const ACCEPTED: AcceptedResponse = { status: 'accepted' };

/**
 * The contract's HTTP surface. Validation is set here rather than globally, so the module
 * behaves the same inside a host app whatever global pipes that app has.
 */
@ApiTags('missions')
// Mounted by missionsControllers() at the instance's own path.
@Controller()
// Auth first: the rate limit is per principal.
@UseGuards(MissionsAuthGuard, MissionsRateLimitGuard)
@UseFilters(StoreUnavailableFilter)
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class MissionsController {
  constructor(private readonly missions: MissionsService) {}

  // Declared before `:id` routes so that the literal paths win.
  @Public()
  @Get('health')
  @ApiOperation({ summary: 'Liveness of the missions API (no authentication)' })
  @ApiOkResponse({ type: StatusOkResponse })
  health(): StatusOkResponse {
    return { status: 'ok' };
  }

  @Get('stats/overview')
  @ApiOperation({ summary: "Counts of the caller's tenant's missions by status" })
  @ApiAuthenticated()
  @ApiOkResponse({ type: MissionStatsResponse })
  async stats(@CurrentPrincipal() principal: Principal): Promise<MissionStatsResponse> {
    return MissionStatsResponse.from(await this.missions.stats(principal), Date.now());
  }

  @Get()
  @ApiOperation({ summary: "List the caller's tenant's missions, newest first" })
  @ApiAuthenticated()
  @ApiOkResponse({ type: MissionListResponse })
  @ApiErrors([400, 'Unknown status, limit out of range or not an integer, or an unreadable cursor.'])
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListMissionsQuery): Promise<MissionListResponse> {
    const page = await this.missions.list(principal, query);
    return { missions: page.missions.map(MissionResponse.from), next_cursor: page.nextCursor };
  }

  @Post()
  @ApiOperation({ summary: 'Create a mission (PENDING)' })
  @ApiAuthenticated()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1–200 printable characters. A repeat with the same body within 24 h replays the first answer.',
  })
  @ApiCreatedResponse({
    type: MissionResponse,
    description: 'Created, or replayed for a repeated Idempotency-Key.',
    headers: { 'Idempotent-Replayed': { description: '`true` when this answer is a replay.', schema: { type: 'string', enum: ['true'] } } },
  })
  @ApiErrors(
    [400, 'Invalid or unknown field, reserved id, malformed JSON, or a bad Idempotency-Key.'],
    [409, 'The id is taken in the tenant, or a request with the same Idempotency-Key is still in flight.'],
    413,
    [422, 'The Idempotency-Key was used with a different body.'],
  )
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateMissionDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    // `header()` exists on both Express's response and Fastify's reply.
    @Res({ passthrough: true }) response: { header(name: string, value: string): unknown },
  ): Promise<MissionResponse> {
    const { mission, replayed } = await this.missions.create(principal, body, idempotencyKey);
    if (replayed) response.header('Idempotent-Replayed', 'true');
    return MissionResponse.from(mission);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a mission' })
  @ApiAuthenticated()
  @ApiOkResponse({ type: MissionResponse })
  @ApiErrors(404)
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<MissionResponse> {
    return MissionResponse.from(await this.missions.get(principal, id));
  }

  @Post(':id/status')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Change the status (query `mission_status` or body `status`)',
    description: 'Moving to RUNNING starts execution. Setting the current status again answers 200 unchanged.',
  })
  @ApiAuthenticated()
  @ApiBody({ type: ChangeStatusBody, required: false })
  @ApiOkResponse({ type: MissionResponse })
  @ApiErrors(
    [400, 'Unknown status, no status, or query and body disagree.'],
    404,
    [409, 'The transition is not allowed from the current status.'],
    413,
  )
  async changeStatus(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ChangeStatusQuery,
    @Body() body: ChangeStatusBody,
  ): Promise<MissionResponse> {
    const fromQuery = query.mission_status;
    const fromBody = body?.status;
    if (fromQuery && fromBody && fromQuery !== fromBody) {
      throw new BadRequestException(['mission_status and status disagree; give one of them']);
    }
    const to = fromQuery ?? fromBody;
    if (!to) throw new BadRequestException(['status is required (query mission_status or body status)']);
    return MissionResponse.from(await this.missions.changeStatus(principal, id, to));
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a mission, stopping its handler if it runs' })
  @ApiAuthenticated()
  @ApiOkResponse({ type: MissionResponse })
  @ApiErrors(404, [409, 'The mission is already COMPLETED or FAILED.'])
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<MissionResponse> {
    return MissionResponse.from(await this.missions.changeStatus(principal, id, 'CANCELLED'));
  }

  @Post(':id/execute')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Start a PENDING mission in the background' })
  @ApiAuthenticated()
  @ApiAcceptedResponse({ type: AcceptedResponse })
  @ApiErrors(404, [409, 'The mission is not PENDING.'])
  async execute(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<AcceptedResponse> {
    await this.missions.execute(principal, id);
    return ACCEPTED;
  }

  @Post(':id/log')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Append an entry to a mission's log" })
  @ApiAuthenticated()
  @ApiAcceptedResponse({ type: AcceptedResponse })
  @ApiErrors(400, 404, 413)
  async appendLog(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: AppendLogDto,
  ): Promise<AcceptedResponse> {
    await this.missions.appendLog(principal, id, body);
    return ACCEPTED;
  }

  @Get(':id/log')
  @ApiOperation({ summary: "Read a page of a mission's log, oldest first" })
  @ApiAuthenticated()
  @ApiOkResponse({ type: MissionLogResponse })
  @ApiErrors([400, 'offset or limit out of range.'], 404)
  async readLog(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ReadLogQuery,
  ): Promise<MissionLogResponse> {
    const page = await this.missions.readLog(principal, id, query.offset, query.limit);
    return { mission_id: id, log: page.entries.map(MissionLogEntryResponse.from), next_offset: page.nextOffset };
  }
}
