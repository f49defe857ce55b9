import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

// An ESM host: `node dist/main.js api|worker`; REDIS_URL, MISSIONS_KEY_PREFIX and PORT from the runner.
const role = process.argv[2] === 'worker' ? 'worker' : 'api';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const keyPrefix = process.env['MISSIONS_KEY_PREFIX'] ?? 'queue-host:';
const module = AppModule.forRole(role, redisUrl, keyPrefix);

if (role === 'worker') {
  const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  console.log(`worker ready pid=${process.pid}`);
} else {
  const app = await NestFactory.create(module, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  await app.listen(Number(process.env['PORT'] ?? 3000), '127.0.0.1');
  console.log(`api listening pid=${process.pid}`);
}
