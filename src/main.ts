import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import type { AppEnv } from './config/env.js';
import { loadEnv } from './config/env.js';
import { serveWorkerHealth } from './health/worker-health-server.js';
import { createFastifyAdapter } from './http/fastify-adapter.js';
import { configureHttp } from './http/http-setup.js';
import { AppLogger } from './logging/app-logger.js';
import { setupOpenApi } from './openapi.js';

const logger = new Logger('Bootstrap');

function prepare(app: INestApplicationContext): AppEnv {
  app.useLogger(app.get(AppLogger));
  // SIGTERM/SIGINT run the shutdown hooks: executors and workers drain, Redis connections close.
  app.enableShutdownHooks();
  const env = app.get(ConfigService).getOrThrow<AppEnv>('app');
  if (env.usingDevSecret) {
    logger.warn('No JWT_SECRET or JWT_PUBLIC_KEY set: using the built-in development secret. Never do this in production.');
  }
  return env;
}

// Boot messages wait for the JSON logger rather than going out in Nest's own format.
async function createHttpApp(env: AppEnv): Promise<INestApplication> {
  if (env.httpAdapter === 'express') return NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  return NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(env.bodyLimitBytes), { bufferLogs: true });
}

async function bootstrap(): Promise<void> {
  // Read before the app exists, to pick the kind of app; AppModule validates the same values again.
  // ConfigModule loads .env only later, so load it here too (neither overrides the real env).
  if (existsSync('.env')) process.loadEnvFile('.env');
  const early = loadEnv(process.env);
  if (early.role === 'worker') {
    const worker = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
    const env = prepare(worker);
    if (env.workerHealthPort !== null) await serveWorkerHealth(worker, env.workerHealthPort);
    const probes = env.workerHealthPort === null ? 'no HTTP' : `probes on :${env.workerHealthPort}/health/*`;
    logger.log(`Missions worker running, ${probes} (concurrency ${env.execution.concurrency})`);
    return;
  }
  const app = await createHttpApp(early);
  const env = prepare(app);
  configureHttp(app, env);
  setupOpenApi(app);
  // Fastify listens on localhost only unless told otherwise; Express listens on every interface.
  await (env.httpAdapter === 'fastify' ? app.listen(env.port, '0.0.0.0') : app.listen(env.port));
  logger.log(`Missions listening on http://localhost:${env.port}/api/missions (role ${env.role}, ${env.httpAdapter})`);
}

bootstrap().catch((error: unknown) => {
  // Config errors are meant for a person: print the message, not a stack.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
