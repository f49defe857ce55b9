import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MissionsMetrics } from './missions-metrics.js';

/**
 * Times every request, guards' 401 and 429 included (an interceptor would miss those). Labelled
 * by the matched route pattern, never the raw URL, so ids do not explode the series count.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MissionsMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const stop = this.metrics.httpDuration.startTimer();
    response.once('finish', () => {
      const pattern = (request.route as { path?: string } | undefined)?.path;
      stop({ method: request.method, route: pattern ? `${request.baseUrl}${pattern}` : 'unmatched', status: String(response.statusCode) });
    });
    next();
  }
}
