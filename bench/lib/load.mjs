// Load generation: autocannon for throughput under concurrency, and a sequential timer for the
// latency of one request at a time (the scale curve), both against one server at a time.
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

/**
 * Runs autocannon for `seconds` against `route` on `server`; `route.next()` may vary the path
 * per request. Returns requests/s, latency percentiles (ms) and anything that was not 2xx.
 */
export async function hammer(server, route, { seconds, connections }) {
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: [{
      method: route.method,
      path: route.path,
      headers: { 'content-type': 'application/json', authorization: route.authorization },
      body: route.body === undefined ? undefined : JSON.stringify(route.body),
      ...(route.next && { setupRequest: (req) => ({ ...req, path: route.next() }) }),
    }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function once(url, headers, timeoutMs, { method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { agent, method, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One GET (or `body` POSTed as JSON), timed; throws unless it answers 2xx. */
export async function timeOne(url, authorization, body) {
  const post = body === undefined ? undefined : { method: 'POST', body: JSON.stringify(body) };
  const headers = post ? { authorization, 'content-type': 'application/json' } : { authorization };
  const { status, ms } = await once(url, headers, 60_000, post);
  if (status < 200 || status >= 300) throw new Error(`${post ? 'POST' : 'GET'} ${url} answered ${status}`);
  return ms;
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { exceeded: false, samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * GETs `url` one request at a time, up to `maxSamples` or until `budgetMs` is spent, and
 * returns p50/p99 in ms. A 503 (the old pattern giving up at its time bound) ends it with
 * `exceeded: true`; any other non-2xx is an error.
 */
export async function timeSequential(url, authorization, { maxSamples, budgetMs, timeoutMs = 60_000 }) {
  const samples = [];
  const until = Date.now() + budgetMs;
  while (samples.length < maxSamples && (samples.length === 0 || Date.now() < until)) {
    const { status, ms } = await once(url, { authorization }, timeoutMs);
    if (status === 503) return { exceeded: true, samples: samples.length };
    if (status < 200 || status >= 300) throw new Error(`GET ${url} answered ${status}`);
    samples.push(ms);
  }
  return summarize(samples);
}
