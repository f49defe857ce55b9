import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MissionsMetrics } from './missions-metrics.js';

/** `GET /metrics` in the Prometheus text format, for allow-listed scrapers or the token holder. */
@ApiTags('operations')
@Controller('metrics')
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(
    private readonly metrics: MissionsMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (METRICS_ALLOW addresses, or Authorization: Bearer $METRICS_TOKEN)' })
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiForbiddenResponse({ description: 'Neither an allowed address nor the metrics token.' })
  @Header('Cache-Control', 'no-store')
  scrape(@Res({ passthrough: true }) response: unknown): Promise<string> {
    // Through the adapter: an Express response and a Fastify reply set headers differently.
    // From the registry, not prom-client's `contentType` export: Node's ESM loader cannot see that one.
    this.adapterHost.httpAdapter.setHeader(response, 'Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
