import { Controller, Get, Injectable, Module, UnauthorizedException, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type { Queue } from 'bullmq';
import {
  InjectMissionsQueue,
  MissionEventType,
  MissionHandler,
  MissionsModule,
  type MissionEventEnvelope,
  type MissionHandlerContext,
  type MissionJobData,
  type MissionsRole,
  type Principal,
} from 'missions';

interface HostUser {
  id: string;
  org: string;
}
interface HostRequest {
  headers: Record<string, string | string[] | undefined>;
  hostUser?: HostUser;
}

/** The host's own authentication (its gateway sets `x-host-user: id@org`), global, before any route guard. */
@Injectable()
class HostAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HostRequest>();
    const header = request.headers['x-host-user'];
    if (typeof header !== 'string' || !/^[^@]+@[^@]+$/.test(header)) throw new UnauthorizedException();
    const [id, org] = header.split('@');
    request.hostUser = { id, org };
    return true;
  }
}

/** The host's principal resolution: its user becomes the missions Principal. */
function principalOf(request: unknown): Principal | null {
  const user = (request as HostRequest).hostUser;
  return user ? { principal_id: user.id, tenant_id: user.org, app_id: 'queue-host', roles: [] } : null;
}

@Injectable()
class EchoHandlers {
  @MissionHandler('outside.echo')
  async echo(ctx: MissionHandlerContext): Promise<Record<string, unknown>> {
    await ctx.log('info', 'echo ran', { pid: process.pid });
    await ctx.progress(100);
    return { echoed: ctx.mission.data['message'] ?? null, pid: process.pid };
  }
}

/** The host's own listener, on the library's event names and envelope type. */
@Injectable()
class HostEvents {
  readonly seen: string[] = [];

  @OnEvent(MissionEventType.Created)
  onCreated(event: MissionEventEnvelope): void {
    this.seen.push(`${event.type} ${String(event.payload['mission_id'])}`);
  }
}

/** What the host sees of the library from its own code: the queue token and the events. */
@Controller('host')
class HostProbeController {
  constructor(
    @InjectMissionsQueue() private readonly queue: Queue<MissionJobData> | null,
    private readonly hostEvents: HostEvents,
  ) {}

  @Get('events')
  events(): string[] {
    return this.hostEvents.seen;
  }

  @Get('queue')
  async queueCounts(): Promise<{ name: string; counts: Record<string, number> } | null> {
    if (!this.queue) return null;
    return { name: this.queue.name, counts: await this.queue.getJobCounts('completed', 'waiting', 'active', 'failed') };
  }
}

@Module({})
export class AppModule {
  /** `api` serves HTTP and enqueues; `worker` runs the jobs (a separate process). */
  static forRole(role: MissionsRole, redisUrl: string, keyPrefix: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventEmitterModule.forRoot(),
        MissionsModule.forRoot({
          // Under the host's global prefix 'api': the contract's /api/missions.
          routes: { path: 'missions' },
          redis: { url: redisUrl },
          keyPrefix,
          auth: { mode: 'host', resolvePrincipal: principalOf },
          execution: { mode: 'bullmq', role, attempts: 1 },
        }),
      ],
      controllers: role === 'worker' ? [] : [HostProbeController],
      providers: [EchoHandlers, HostEvents, { provide: APP_GUARD, useClass: HostAuthGuard }],
    };
  }
}
