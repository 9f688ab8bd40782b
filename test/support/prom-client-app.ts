// A small Node.js app instrumented with prom-client (default metrics, a counter, a histogram), for scrape interop tests.
// Usage: node dist/test/support/prom-client-app.js PORT

import { createServer } from 'node:http';
import client from 'prom-client';

const port = Number(process.argv[2]);
const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const requests = new client.Counter({ name: 'app_requests_total', help: 'Requests handled.', labelNames: ['code', 'path'], registers: [registry] });
const latency = new client.Histogram({ name: 'app_request_seconds', help: 'Request latency.', labelNames: ['path'], registers: [registry] });
requests.inc({ code: '200', path: '/' }, 3);
requests.inc({ code: '500', path: '/x' });
latency.observe({ path: '/' }, 0.02);

createServer((req, res) => {
  if (req.url !== '/metrics') {
    requests.inc({ code: '404', path: 'other' });
    res.writeHead(404).end();
    return;
  }
  registry.metrics().then(
    (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
    (err: unknown) => res.writeHead(500).end(String(err)),
  );
}).listen(port, '127.0.0.1');
