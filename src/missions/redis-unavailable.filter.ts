import { Catch, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isRedisUnavailable } from './errors/redis-unavailable.js';

/**
 * An unreachable Redis (or, on a cluster, the master owning the tenant's slot) answers 503
 * instead of 500, so clients and load balancers retry; everything else goes to Nest as usual.
 */
@Catch()
export class RedisUnavailableFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || !isRedisUnavailable(exception)) return super.catch(exception, host);
    super.catch(new ServiceUnavailableException('The mission store is unavailable; retry shortly.'), host);
  }
}
