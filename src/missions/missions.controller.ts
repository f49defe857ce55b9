import {
  BadRequestException, Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res,
  UseGuards, UsePipes, ValidationPipe,
} from '@nestjs/common';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { MissionsAuthGuard } from '../auth/missions-auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Public } from '../auth/public.decorator.js';
import { AppendLogDto } from './dto/append-log.dto.js';
import { ChangeStatusBody, ChangeStatusQuery } from './dto/change-status.dto.js';
import { CreateMissionDto } from './dto/create-mission.dto.js';
import { ListMissionsQuery } from './dto/list-missions.query.js';
import {
  AcceptedResponse, MissionListResponse, MissionLogEntryResponse, MissionLogResponse, MissionResponse,
  MissionStatsResponse,
} from './dto/mission.response.js';
import { ReadLogQuery } from './dto/read-log.query.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';
import { MissionsService } from './missions.service.js';

const ACCEPTED: AcceptedResponse = { status: 'accepted' };

/**
 * The contract's HTTP surface. Validation is set here rather than globally, so the module
 * behaves the same inside a host app whatever global pipes that app has.
 */
@Controller('api/missions')
@UseGuards(MissionsAuthGuard)
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class MissionsController {
  constructor(private readonly missions: MissionsService) {}

  // Declared before `:id` routes so that the literal paths win.
  @Public()
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('stats/overview')
  async stats(@CurrentPrincipal() principal: Principal): Promise<MissionStatsResponse> {
    return MissionStatsResponse.from(await this.missions.stats(principal), Date.now());
  }

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListMissionsQuery): Promise<MissionListResponse> {
    const page = await this.missions.list(principal, query);
    return { missions: page.missions.map(MissionResponse.from), next_cursor: page.nextCursor };
  }

  @Post()
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
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<MissionResponse> {
    return MissionResponse.from(await this.missions.get(principal, id));
  }

  @Post(':id/status')
  @HttpCode(HttpStatus.OK)
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
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<MissionResponse> {
    return MissionResponse.from(await this.missions.changeStatus(principal, id, 'CANCELLED'));
  }

  @Post(':id/execute')
  @HttpCode(HttpStatus.ACCEPTED)
  async execute(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<AcceptedResponse> {
    await this.missions.execute(principal, id);
    return ACCEPTED;
  }

  @Post(':id/log')
  @HttpCode(HttpStatus.ACCEPTED)
  async appendLog(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: AppendLogDto,
  ): Promise<AcceptedResponse> {
    await this.missions.appendLog(principal, id, body);
    return ACCEPTED;
  }

  @Get(':id/log')
  async readLog(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: ReadLogQuery,
  ): Promise<MissionLogResponse> {
    const page = await this.missions.readLog(principal, id, query.offset, query.limit);
    return { mission_id: id, log: page.entries.map(MissionLogEntryResponse.from), next_offset: page.nextOffset };
  }
}
