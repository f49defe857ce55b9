import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { StoreUnavailableError } from '../errors/store-unavailable.error.js';

/** Seconds a client should wait before retrying: the Redis client reconnects within about one. */
export const STORE_RETRY_AFTER_SECONDS = 1;

/** Answers 503 with `Retry-After` when Redis is unreachable or too slow, in Nest's error shape. */
@Catch(StoreUnavailableError)
export class StoreUnavailableFilter implements ExceptionFilter<StoreUnavailableError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_error: StoreUnavailableError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    httpAdapter.setHeader(response, 'Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    const body = {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      message: 'Mission store unavailable, retry later',
      error: 'Service Unavailable',
    };
    httpAdapter.reply(response, body, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
