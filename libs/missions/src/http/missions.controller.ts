import {
  BadRequestException, Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Res,
  UseFilters, UseGuards, UsePipes,
} from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags,
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
import { MissionsValidationPipe } from './missions-validation.pipe.js';
import { MissionsService } from '../core/missions.service.js';
import { MissionsExceptionFilter } from './missions-exception.filter.js';

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
@UseFilters(MissionsExceptionFilter)
@UsePipes(MissionsValidationPipe)
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
  @ApiOperation({
    summary: "List the caller's tenant's missions, newest first, or search them by name prefix",
    description: 'With `name_prefix`: ordered by the lower-cased name, then id, ascending; O(log N + page).',
  })
  @ApiAuthenticated()
  @ApiOkResponse({ type: MissionListResponse })
  @ApiErrors([400, 'Unknown status, limit out of range or not an integer, a name_prefix not of 1-200 characters or '
    + 'given with status, or a cursor that is unreadable or from the other kind of listing.'])
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListMissionsQuery): Promise<MissionListResponse> {
    const { name_prefix: namePrefix, status, limit, cursor } = query;
    if (namePrefix !== undefined && status !== undefined) {
      throw new BadRequestException(['name_prefix cannot be combined with status']);
    }
    const page = namePrefix === undefined
      ? await this.missions.list(principal, { status, limit, cursor })
      : await this.missions.search(principal, { namePrefix, limit, cursor });
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

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a finished mission with its log and index entries',
    description: 'COMPLETED, FAILED or CANCELLED only, in one atomic step; emits `mission.deleted` (reason `request`).',
  })
  @ApiAuthenticated()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors(404, [409, 'The mission is PENDING or RUNNING.'])
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.missions.delete(principal, id);
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
