import { createServer, type Server, type ServerResponse } from 'node:http';
import { HttpException, type INestApplicationContext } from '@nestjs/common';
import { HealthController } from './health.controller.js';

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

/**
 * `/health/live` and `/health/ready` for a worker-only process, which has no Nest HTTP server:
 * a bare node:http listener answering with the same HealthController as the API, so an
 * orchestrator probes workers and API instances alike.
 */
export async function serveWorkerHealth(app: INestApplicationContext, port: number, host?: string): Promise<Server> {
  const health = app.get(HealthController);
  const probes: Record<string, () => Promise<unknown>> = { '/health/live': () => health.live(), '/health/ready': () => health.ready() };
  const server = createServer((request, response) => {
    const probe = request.method === 'GET' ? probes[(request.url ?? '').split('?')[0]] : undefined;
    if (!probe) return send(response, 404, { statusCode: 404, message: 'Not Found' });
    probe().then(
      (result) => send(response, 200, result),
      (error: unknown) =>
        error instanceof HttpException ? send(response, error.getStatus(), error.getResponse()) : send(response, 503, { status: 'error' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
