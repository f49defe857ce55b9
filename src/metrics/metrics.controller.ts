import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MissionsMetrics } from './missions-metrics.js';

/** `GET /metrics` in the Prometheus text format, for allow-listed scrapers or the token holder. */
@ApiTags('operations')
@Controller('metrics')
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(private readonly metrics: MissionsMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (METRICS_ALLOW addresses, or Authorization: Bearer $METRICS_TOKEN)' })
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiForbiddenResponse({ description: 'Neither an allowed address nor the metrics token.' })
  @Header('Cache-Control', 'no-store')
  scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    // From the registry, not prom-client's `contentType` export: Node's ESM loader cannot see that one.
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
