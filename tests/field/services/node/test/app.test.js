'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Faults, Metrics, createServer } = require('../app');

async function withServer(fn) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    await fn(base);
  } finally {
    server.close();
  }
}

test('healthz answers ok', () => withServer(async (base) => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok\n');
}));

test('metrics count requests by code', () => withServer(async (base) => {
  await (await fetch(`${base}/`)).text();
  await (await fetch(`${base}/missing`)).text();
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, /http_requests_total\{code="200",method="GET",path="\/"\} 1/);
  assert.match(text, /http_requests_total\{code="404",method="GET",path="\/missing"\} 1/);
  assert.match(text, /http_request_duration_seconds_count 2/);
}));

test('the fault switch turns 10 % of responses into 5xx', () => withServer(async (base) => {
  assert.equal((await fetch(`${base}/admin/faults?percent=10`, { method: 'POST' })).status, 204);
  let failed = 0;
  for (let i = 0; i < 50; i += 1) {
    const res = await fetch(`${base}/`);
    await res.text();
    if (res.status === 500) failed += 1;
  }
  assert.equal(failed, 5);
  assert.equal((await fetch(`${base}/admin/faults?percent=x`, { method: 'POST' })).status, 400);
}));

test('faults spread evenly; histogram buckets are cumulative', () => {
  const faults = new Faults(10);
  assert.equal(Array.from({ length: 20 }, () => faults.nextFails()).filter(Boolean).length, 2);
  assert.throws(() => faults.set(101), RangeError);
  const metrics = new Metrics();
  metrics.observe('GET', '/', 200, 0.02);
  metrics.observe('GET', '/', 500, 3);
  assert.match(metrics.render(), /http_request_duration_seconds_bucket\{le="0.025"\} 1/);
  assert.match(metrics.render(), /http_request_duration_seconds_bucket\{le="5"\} 2/);
});
