// A TCP proxy that holds every chunk `delayMs` before passing it on, each way: Redis as if it
// sat across a network link (1 ms each way ~ a cross-zone hop), on a machine without `tc netem`.
// Run as its own process (`node latency-proxy.mjs <listen port> <target host:port> <delay ms>`)
// so its timers do not share an event loop with the load generator.
import { connect, createServer } from 'node:net';

/** Forwards `from` to `to`, each chunk `delayMs` late; timers of one delay fire in order, so bytes stay in order. */
function forwardDelayed(from, to, delayMs) {
  from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
}

export function startLatencyProxy(listenPort, target, delayMs) {
  const [host, port] = target.split(':');
  const server = createServer((client) => {
    const upstream = connect(Number(port), host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    forwardDelayed(client, upstream, delayMs);
    forwardDelayed(upstream, client, delayMs);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  return new Promise((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [listenPort, target, delayMs] = process.argv.slice(2);
  const server = await startLatencyProxy(Number(listenPort), target, Number(delayMs));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
