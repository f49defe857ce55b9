import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { HealthCheckResponse } from './health-check.response.js';
import { QueueHealthIndicator } from './queue.health.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

/** Probes of the standalone service, outside the missions API and without authentication. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly queue: QueueHealthIndicator,
  ) {}

  // Terminus's own Swagger schema is off: it loads @nestjs/swagger through require(), which
  // differs between Node and Jest, and the committed openapi.json must not.
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness: the process answers (stays up while shutting down)' })
  @ApiOkResponse({ type: HealthCheckResponse })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: not shutting down, Redis answers PING within 1 s, BullMQ connections ready' })
  @ApiOkResponse({ type: HealthCheckResponse })
  @ApiServiceUnavailableResponse({ type: HealthCheckResponse, description: 'Not ready: `error` names the failing checks.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.shutdown.isHealthy(), () => this.redis.isHealthy(), () => this.queue.isHealthy()]);
  }
}
