// k6 load test of every service of kura: the integration_test stage runs it once per service with that
// service's BASE_URL (https://<env host>/<service>); the service is picked from SERVICE or from BASE_URL.
// Per-service copies with the same targets: tests/performance/<service>/load.js.
import http from 'k6/http';
import { check } from 'k6';

// Targets from the platform spec (copier answers): p95 latency from the SLO, error rate < 1 %, request rate from
// the expected load (K6_PROFILE=capacity drives the capacity plan's 10x peak instead).
const TARGETS = {
  "ledger": {"error_rate": 0.01, "expected_rps": 240.0, "p95_ms": 300, "peak_rps": 2400.0, "service": "ledger"},
  "reports": {"error_rate": 0.01, "expected_rps": 12.0, "p95_ms": 1000, "peak_rps": 120.0, "service": "reports"},
  "portal": {"error_rate": 0.01, "expected_rps": 20.0, "p95_ms": 1000, "peak_rps": 200.0, "service": "portal"},
};

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');
// The service under test: SERVICE, else the last path segment of BASE_URL (https://<env host>/<service>).
const SERVICE = __ENV.SERVICE || BASE_URL.split('/').pop();
if (!(SERVICE in TARGETS)) {
  throw new Error(`unknown service '${SERVICE}': set SERVICE to one of ${Object.keys(TARGETS).join(', ')}`);
}
const TARGET = TARGETS[SERVICE];
const PROFILE = __ENV.K6_PROFILE === 'capacity' ? 'capacity' : 'expected';
const RATE = PROFILE === 'capacity' ? TARGET.peak_rps : TARGET.expected_rps;

export const options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate',
      rate: Math.ceil(RATE),
      timeUnit: '1s',
      duration: __ENV.K6_DURATION || '5m',
      preAllocatedVUs: Math.max(10, Math.ceil(RATE / 2)),
      maxVUs: Math.max(50, Math.ceil(RATE * 5)),
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${TARGET.p95_ms}`],
    http_req_failed: [`rate<${TARGET.error_rate}`],
    // at least 95 % of the arrival rate was served (k6 drops iterations it has no VU for)
    http_reqs: [`rate>=${Math.floor(RATE * 0.95 * 100) / 100}`],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  tags: { service: SERVICE, profile: PROFILE },
};

export default function () {
  const res = http.get(`${BASE_URL}${__ENV.K6_PATH || '/'}`);
  check(res, { 'status is not 5xx': (r) => r.status < 500 });
}

// k6-summary.json is the evidence `parasol-gitops perf record --summary k6-summary.json` reads (VMS5 gate).
export function handleSummary(data) {
  data.parasol_gitops = { service: SERVICE, profile: PROFILE, base_url: BASE_URL, targets: TARGET };
  const lines = [];
  for (const [metric, m] of Object.entries(data.metrics)) {
    for (const [expr, result] of Object.entries(m.thresholds || {})) {
      lines.push(`${result.ok ? 'ok  ' : 'FAIL'} ${metric} ${expr}`);
    }
  }
  return { 'k6-summary.json': JSON.stringify(data, null, 2), stdout: `${lines.join('\n')}\n` };
}
