// `npm run openapi`: writes the standalone service's OpenAPI document to openapi.json, in the
// sorted form CI compares with the live document (test/openapi.e2e-spec.ts).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { buildOpenApiDocument, serializeOpenApi } from './openapi.js';

const target = fileURLToPath(new URL('../openapi.json', import.meta.url));

async function main(): Promise<void> {
  // Building the document only reads metadata: no listen, and no need for Redis to answer.
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  const document = buildOpenApiDocument(app);
  writeFileSync(target, serializeOpenApi(document));
  console.log(`openapi: wrote ${Object.keys(document.paths).length} paths to ${target}`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
