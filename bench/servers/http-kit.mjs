// The little HTTP plumbing both baseline servers share: body reading, JSON answers, routing.
import { createServer } from 'node:http';

export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

// The contract's paths under /api/missions, so the same load hits every server alike.
function route(h, method, s) {
  if (method === 'POST' && s.length === 0) return h.create;
  if (method === 'GET' && s.length === 0) return h.list;
  if (method === 'GET' && s[0] === 'stats' && s[1] === 'overview') return h.stats;
  if (method === 'GET' && s.length === 1) return h.get;
  if (method === 'POST' && s.length === 2 && s[1] === 'status') return h.changeStatus;
  if (method === 'POST' && s.length === 2 && s[1] === 'log') return h.appendLog;
  return null;
}

/** `handlers.<route>(ctx)` answers `[status, body]`; ctx = { req, url, segments, body }. */
export function serve(handlers, port) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      const segments = url.pathname.split('/').slice(3).filter(Boolean);
      if (url.pathname === '/api/missions/health') return sendJson(res, 200, { status: 'ok' });
      const handler = route(handlers, req.method, segments);
      if (!handler) return sendJson(res, 404, { statusCode: 404, message: 'Not Found' });
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const [status, answer] = await handler({ req, url, segments, body });
      sendJson(res, status, answer);
    } catch (error) {
      sendJson(res, 500, { statusCode: 500, message: String(error?.message ?? error) });
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
