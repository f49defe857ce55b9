import { Module } from '@nestjs/common';
import { RequestEventsModule } from '../http/request-events.module.js';
import { HttpDrain } from './http-drain.js';
import { ConfigurableShutdownModule } from './shutdown.options.js';

/** Graceful HTTP shutdown for the standalone service: `ShutdownModule.forRoot({ graceMs })`. */
@Module({
  imports: [RequestEventsModule],
  providers: [HttpDrain],
  exports: [HttpDrain],
})
export class ShutdownModule extends ConfigurableShutdownModule {}
