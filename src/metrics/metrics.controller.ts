import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MissionsMetrics } from './missions-metrics.js';

/** `GET /metrics` in the Prometheus text format, for allow-listed scrapers or the token holder. */
@Controller('metrics')
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(private readonly metrics: MissionsMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    // From the registry, not prom-client's `contentType` export: Node's ESM loader cannot see that one.
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
