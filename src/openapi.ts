import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Where the standalone service serves Swagger UI; the JSON document is at `${path}-json`. */
export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = `${OPENAPI_UI_PATH}-json`;

// src/ and dist/ both sit beside package.json.
const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The standalone service's OpenAPI document: every controller of `app`, with the bearer scheme. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Missions')
    .setDescription('Lifecycle of long-running missions, stored in Redis. Errors use Nest\'s `{statusCode, message, error}` body.')
    .setVersion(packageVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves Swagger UI at `/api/docs` and the JSON at `/api/docs-json`. */
export function setupOpenApi(app: INestApplication, document: OpenAPIObject = buildOpenApiDocument(app)): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The committed form of openapi.json: keys sorted at every level, so diffs show only real changes. */
export function serializeOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}
