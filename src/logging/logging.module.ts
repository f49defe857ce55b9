import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
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
export class LoggingModule extends ConfigurableLoggingModule implements OnApplicationShutdown {
  constructor(
    events: RequestEvents,
    private readonly logger: AppLogger,
  ) {
    super();
    events.onFinished(requestLogger(logger.pino));
  }

  // Stdout is written asynchronously, and Nest ends the process by re-raising the signal, which
  // skips the exit handlers: write out what is buffered first.
  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => this.logger.pino.flush(() => resolve()));
  }
}
