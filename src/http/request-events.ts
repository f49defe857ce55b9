import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from 'missions';

/** What the service records of one request once its connection is done with it. */
export interface FinishedRequest {
  readonly requestId: string;
  readonly method: string;
  /** The matched route pattern (`/api/missions/:id`), `unmatched` for unknown paths: never the raw URL. */
  readonly route: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly status: number;
  readonly durationMs: number;
  /** False when the client went away before the answer was complete. */
  readonly completed: boolean;
  /** The caller the guard authenticated, if any. */
  readonly principal: Principal | undefined;
}

export type RequestStartedObserver = (request: IncomingMessage, response: ServerResponse) => void;
export type RequestFinishedObserver = (request: FinishedRequest) => void;

/**
 * One pair of hooks per request, whatever the adapter and however many observers (logging,
 * metrics, the shutdown drain): `RequestEventsModule` installs them, the observers subscribe
 * here. Observers run synchronously and must not throw.
 */
@Injectable()
export class RequestEvents {
  private readonly startedObservers: RequestStartedObserver[] = [];
  private readonly finishedObservers: RequestFinishedObserver[] = [];

  onStarted(observer: RequestStartedObserver): void {
    this.startedObservers.push(observer);
  }

  onFinished(observer: RequestFinishedObserver): void {
    this.finishedObservers.push(observer);
  }

  started(request: IncomingMessage, response: ServerResponse): void {
    for (const observer of this.startedObservers) observer(request, response);
  }

  finished(request: FinishedRequest): void {
    for (const observer of this.finishedObservers) observer(request);
  }
}
