import { createHash, randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException, BadRequestException } from '@nestjs/common';
import type { Principal } from '../domain/principal.js';
import { InvalidCursorError } from '../errors/invalid-cursor.error.js';
import type { MissionExecutor } from '../execution/mission-executor.js';
import type { EventActor } from '../domain/mission-events.js';
import { MissionRecorder } from '../events/mission-recorder.js';
import type { CreateMissionInput, LogPage, MissionPage } from '../domain/mission-commands.js';
import type { LogLevel, Mission, MissionStats, MissionStatus } from '../domain/mission.types.js';
import { InjectMissionExecutor, InjectMissionsOptions } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';
import { MissionsRepository } from '../store/missions.repository.js';
import { canonicalJson } from '../domain/canonical-json.js';

export interface CreateOutcome {
  mission: Mission;
  replayed: boolean;
}

const actorOf = (p: Principal): EventActor => ({ tenantId: p.tenant_id, principalId: p.principal_id });
const notFound = (): NotFoundException => new NotFoundException('Mission not found');

/**
 * The missions use cases, always inside the caller's tenant: another tenant's mission
 * answers exactly like an unknown one.
 */
@Injectable()
export class MissionsService {
  constructor(
    private readonly repository: MissionsRepository,
    private readonly recorder: MissionRecorder,
    @InjectMissionExecutor() private readonly executor: MissionExecutor,
    @InjectMissionsOptions() private readonly options: ResolvedMissionsOptions,
  ) {}

  async create(principal: Principal, input: CreateMissionInput, idempotencyKey?: string): Promise<CreateOutcome> {
    const now = Date.now();
    const mission: Mission = {
      id: input.id ?? randomUUID(),
      name: input.name,
      description: input.description ?? null,
      data: input.data ?? {},
      status: 'PENDING',
      createdAt: now,
      updatedAt: now,
      tenantId: principal.tenant_id,
      createdBy: principal.principal_id,
      version: 1,
    };
    const idempotency = idempotencyKey === undefined ? undefined : {
      key: idempotencyKey,
      fingerprint: createHash('sha256').update(canonicalJson({ ...input })).digest('hex'),
      ttlSeconds: this.options.idempotencyTtlSeconds,
    };
    const result = await this.recorder.create(mission, actorOf(principal), idempotency);
    switch (result.kind) {
      case 'created':
        return { mission: result.mission, replayed: false };
      case 'replayed':
        return { mission: result.mission, replayed: true };
      case 'id_taken':
        throw new ConflictException(`Mission ${mission.id} already exists`);
      case 'idempotency_mismatch':
        throw new UnprocessableEntityException('Idempotency-Key was already used with a different request body');
    }
  }

  async get(principal: Principal, id: string): Promise<Mission> {
    const mission = await this.repository.findMission(principal.tenant_id, id);
    if (!mission) throw notFound();
    return mission;
  }

  async list(principal: Principal, query: { status?: MissionStatus; limit: number; cursor?: string }): Promise<MissionPage> {
    try {
      return await this.repository.listMissions({ tenantId: principal.tenant_id, ...query });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(['cursor is not a valid cursor']);
      throw error;
    }
  }

  /** Name search: missions whose lower-cased name starts with the lower-cased prefix, by that name then id. */
  async search(principal: Principal, query: { namePrefix: string; limit: number; cursor?: string }): Promise<MissionPage> {
    try {
      return await this.repository.searchMissions({ tenantId: principal.tenant_id, ...query });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new BadRequestException(['cursor is not a valid cursor for this name_prefix']);
      throw error;
    }
  }

  /** Deletes a finished mission with its log and index entries; a PENDING or RUNNING one is a 409. */
  async delete(principal: Principal, id: string): Promise<void> {
    const [result] = await this.recorder.delete(principal.tenant_id, [{ missionId: id }], 'request', actorOf(principal));
    if (result.kind === 'not_found') throw notFound();
    if (result.kind === 'not_finished') {
      throw new ConflictException(`Mission is ${result.status}; only COMPLETED, FAILED or CANCELLED missions can be deleted`);
    }
  }

  /** A legal change is applied once; repeating the current status is a no-op. */
  async changeStatus(principal: Principal, id: string, to: MissionStatus): Promise<Mission> {
    const result = await this.recorder.changeStatus(principal.tenant_id, id, to, actorOf(principal));
    switch (result.kind) {
      case 'not_found':
        throw notFound();
      case 'conflict':
        throw new ConflictException(`Mission cannot go from ${result.mission.status} to ${to}`);
      case 'unchanged':
        return result.mission;
      case 'changed':
        await this.afterChange(result.mission, result.from);
        return result.mission;
    }
  }

  /** Starts background execution of a PENDING mission. */
  async execute(principal: Principal, id: string): Promise<void> {
    const result = await this.recorder.changeStatus(principal.tenant_id, id, 'RUNNING', actorOf(principal));
    if (result.kind === 'not_found') throw notFound();
    if (result.kind !== 'changed') throw new ConflictException(`Mission is ${result.mission.status}, not PENDING`);
    await this.afterChange(result.mission, result.from);
  }

  async appendLog(
    principal: Principal,
    id: string,
    input: { level?: LogLevel; message: string; data?: Record<string, unknown>; timestamp?: number },
  ): Promise<void> {
    const entry = {
      timestamp: input.timestamp ?? Date.now() / 1000,
      level: input.level ?? 'info',
      message: input.message,
      data: input.data ?? {},
    };
    if (!(await this.recorder.appendLog(principal.tenant_id, id, entry, actorOf(principal)))) throw notFound();
  }

  async readLog(principal: Principal, id: string, offset: number, limit: number): Promise<LogPage> {
    const page = await this.repository.readLog(principal.tenant_id, id, offset, limit);
    if (!page) throw notFound();
    return page;
  }

  stats(principal: Principal): Promise<MissionStats> {
    return this.repository.stats(principal.tenant_id);
  }

  private async afterChange(mission: Mission, from: MissionStatus): Promise<void> {
    if (mission.status === 'RUNNING') await this.executor.start(mission);
    if (mission.status === 'CANCELLED' && from === 'RUNNING') await this.executor.cancel(mission);
  }
}
