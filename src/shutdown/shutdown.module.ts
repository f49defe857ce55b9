import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { HttpDrain } from './http-drain.js';
import { HttpDrainMiddleware } from './http-drain.middleware.js';
import { ConfigurableShutdownModule } from './shutdown.options.js';

/** Graceful HTTP shutdown for the standalone service: `ShutdownModule.forRoot({ graceMs })`. */
@Module({
  providers: [HttpDrain],
  exports: [HttpDrain],
})
export class ShutdownModule extends ConfigurableShutdownModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpDrainMiddleware).forRoutes('*');
  }
}
