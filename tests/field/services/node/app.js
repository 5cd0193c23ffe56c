'use strict';
// The payments sample service: /, /healthz, /metrics and POST /admin/faults?percent=N. No dependencies.
const http = require('node:http');

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

class Metrics {
  constructor() {
    this.requests = new Map();
    this.buckets = BUCKETS.map(() => 0);
    this.count = 0;
    this.sum = 0;
  }

  observe(method, path, code, seconds) {
    const key = `code="${code}",method="${method}",path="${path}"`;
    this.requests.set(key, (this.requests.get(key) || 0) + 1);
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.buckets[i] += 1;
    });
    this.count += 1;
    this.sum += seconds;
  }

  render() {
    const lines = ['# HELP http_requests_total Requests served.', '# TYPE http_requests_total counter'];
    for (const key of [...this.requests.keys()].sort()) {
      lines.push(`http_requests_total{${key}} ${this.requests.get(key)}`);
    }
    lines.push('# HELP http_request_duration_seconds Time to serve a request.');
    lines.push('# TYPE http_request_duration_seconds histogram');
    BUCKETS.forEach((bound, i) => lines.push(`http_request_duration_seconds_bucket{le="${bound}"} ${this.buckets[i]}`));
    lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${this.count}`);
    lines.push(`http_request_duration_seconds_sum ${this.sum}`);
    lines.push(`http_request_duration_seconds_count ${this.count}`);
    return lines.join('\n') + '\n';
  }
}

// Turns exactly `percent` % of responses into 5xx, spread evenly (request n fails when n*p/100 steps up).
class Faults {
  constructor(percent = 0) {
    this.served = 0;
    this.set(percent);
  }

  set(percent) {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError('percent must be 0..100');
    this.percent = percent;
  }

  nextFails() {
    this.served += 1;
    const n = this.served;
    return Math.floor((n * this.percent) / 100) > Math.floor(((n - 1) * this.percent) / 100);
  }
}

function createServer(failPercent = 0) {
  const metrics = new Metrics();
  const faults = new Faults(failPercent);
  return http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url, 'http://localhost');
    const send = (code, body, type = 'text/plain') => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method === 'POST') {
      if (url.pathname !== '/admin/faults') return send(404, 'not found\n');
      try {
        faults.set(Number(url.searchParams.get('percent')));
      } catch {
        return send(400, 'percent must be 0..100\n');
      }
      return send(204, '');
    }
    if (url.pathname === '/metrics') return send(200, metrics.render(), 'text/plain; version=0.0.4');
    let code = 200;
    let body = 'ok\n';
    if (url.pathname === '/') {
      if (faults.nextFails()) {
        code = 500;
        body = 'injected fault\n';
      } else {
        body = '{"service":"payments","settled":4}\n';
      }
    } else if (url.pathname !== '/healthz') {
      code = 404;
      body = 'not found\n';
    }
    send(code, body, code === 200 && url.pathname === '/' ? 'application/json' : 'text/plain');
    metrics.observe(req.method, url.pathname, code, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

module.exports = { Metrics, Faults, createServer };
