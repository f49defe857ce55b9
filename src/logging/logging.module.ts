import { Global, Module } from '@nestjs/common';
import { RequestEventsModule } from '../http/request-events.module.js';
import { RequestEvents } from '../http/request-events.js';
import { AppLogger } from './app-logger.js';
import { ConfigurableLoggingModule, LOGGING_OPTIONS, type LoggingOptions } from './logging.options.js';
import { requestLogger } from './request-log.js';
import { createServiceLogger } from './service-logger.js';

/**
 * The standalone service's logs: `LoggingModule.forRoot({ level, pretty? })`. Provides the
 * {@link AppLogger} for `app.useLogger()` and writes one line per HTTP request.
 */
@Global()
@Module({
  imports: [RequestEventsModule],
  providers: [
    {
      provide: AppLogger,
      inject: [LOGGING_OPTIONS],
      useFactory: async (options: LoggingOptions) => new AppLogger(await createServiceLogger(options)),
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule extends ConfigurableLoggingModule {
  constructor(events: RequestEvents, logger: AppLogger) {
    super();
    events.onFinished(requestLogger(logger.pino));
  }
}
