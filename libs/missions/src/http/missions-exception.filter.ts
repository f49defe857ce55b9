import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { StoreUnavailableError } from '../errors/store-unavailable.error.js';
import { StoreUnavailableFilter } from './store-unavailable.filter.js';

interface ErrorBody {
  statusCode: number;
  message: unknown;
  error: string;
}

function errorBody(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const error = STATUS_CODES[status] ?? 'Error';
  if (typeof response !== 'object' || response === null) return { statusCode: status, message: response, error };
  const body = response as Partial<ErrorBody>;
  return { ...body, statusCode: status, message: body.message ?? error, error: body.error ?? error };
}

/**
 * Every error of the missions routes leaves with Nest's full body `{statusCode, message, error}`:
 * an HttpException built without `error` (a bare `new UnauthorizedException()`) gets it, and
 * an unexpected error is logged and answers a 500 of the same shape (Nest's own has no `error`).
 * An unreachable store answers 503 as {@link StoreUnavailableFilter} does.
 */
@Catch()
export class MissionsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsHandler');
  private readonly storeUnavailable: StoreUnavailableFilter;

  constructor(private readonly adapterHost: HttpAdapterHost) {
    this.storeUnavailable = new StoreUnavailableFilter(adapterHost);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof StoreUnavailableError) return this.storeUnavailable.catch(exception, host);
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    if (exception instanceof HttpException) {
      const body = errorBody(exception);
      return void httpAdapter.reply(response, body, body.statusCode);
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    // An event stream that failed after its headers went out can only be ended.
    if (httpAdapter.isHeadersSent(response)) return void httpAdapter.end(response);
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    httpAdapter.reply(response, { statusCode: status, message: 'Internal server error', error: STATUS_CODES[status] }, status);
  }
}
