import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppEnv } from './config/env.js';
import { configureHttp } from './http-setup.js';
import { setupOpenApi } from './openapi.js';

async function bootstrap(): Promise<void> {
  // Boot messages wait for the JSON logger rather than going out in Nest's own format.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  // SIGTERM/SIGINT run the shutdown hooks: executors drain, Redis connections close.
  app.enableShutdownHooks();
  const env = app.get(ConfigService).getOrThrow<AppEnv>('app');
  configureHttp(app, env);
  setupOpenApi(app);
  const logger = new Logger('Bootstrap');
  if (env.usingDevSecret) {
    logger.warn('No JWT_SECRET or JWT_PUBLIC_KEY set: using the built-in development secret. Never do this in production.');
  }
  await app.listen(env.port);
  logger.log(`Missions listening on http://localhost:${env.port}/api/missions`);
}

bootstrap().catch((error: unknown) => {
  // Config errors are meant for a person: print the message, not a stack.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
