import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { HttpDrain } from './http-drain.js';

/** Counts requests in flight for {@link HttpDrain}; while draining, asks clients to close the connection. */
@Injectable()
export class HttpDrainMiddleware implements NestMiddleware {
  constructor(private readonly drain: HttpDrain) {}

  use(_request: Request, response: Response, next: NextFunction): void {
    this.drain.requestStarted();
    // 'close' fires once per response, whether it finished or the client went away.
    response.once('close', () => this.drain.requestEnded());
    if (this.drain.isDraining) response.setHeader('Connection', 'close');
    next();
  }
}
