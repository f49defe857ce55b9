import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { contentType } from 'prom-client';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MissionsMetrics } from './missions-metrics.js';

/** `GET /metrics` in the Prometheus text format, for allow-listed scrapers or the token holder. */
@Controller('metrics')
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(private readonly metrics: MissionsMetrics) {}

  @Get()
  @Header('Content-Type', contentType)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
