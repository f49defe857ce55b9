import 'reflect-metadata';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import type { AppEnv } from './config/env.js';
import { configureHttp } from './http-setup.js';
import { setupOpenApi } from './openapi.js';

const logger = new Logger('Bootstrap');

function prepare(app: INestApplicationContext): AppEnv {
  app.useLogger(app.get(PinoLogger));
  // SIGTERM/SIGINT run the shutdown hooks: executors and workers drain, Redis connections close.
  app.enableShutdownHooks();
  const env = app.get(ConfigService).getOrThrow<AppEnv>('app');
  if (env.usingDevSecret) {
    logger.warn('No JWT_SECRET or JWT_PUBLIC_KEY set: using the built-in development secret. Never do this in production.');
  }
  return env;
}

async function bootstrap(): Promise<void> {
  // Read before the app exists, to pick the kind of app; AppModule still validates the value.
  // Boot messages wait for the JSON logger rather than going out in Nest's own format.
  if (process.env.MISSIONS_ROLE?.trim() === 'worker') {
    const env = prepare(await NestFactory.createApplicationContext(AppModule, { bufferLogs: true }));
    logger.log(`Missions worker running, no HTTP (concurrency ${env.execution.concurrency})`);
    return;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  const env = prepare(app);
  configureHttp(app, env);
  setupOpenApi(app);
  await app.listen(env.port);
  logger.log(`Missions listening on http://localhost:${env.port}/api/missions (role ${env.role})`);
}

bootstrap().catch((error: unknown) => {
  // Config errors are meant for a person: print the message, not a stack.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
