import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { flip, startDemo, type RunningDemo } from '../support/demo.js';
import { customerXml, soap11, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { scrape, sumOf, valueOf, type Sample } from '../support/prometheus.js';
import { startTestGateway } from '../support/telemetry.js';

/** GET /metrics on the admin port, after real traffic through the demo and through failing upstreams. */
const route = 'customers.getCustomer';

describe('GET /metrics with the demo', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('counts requests, upstream calls, breakers, flags and shadow comparisons, with bounded labels', async () => {
    expect((await demo.call('/customers/23')).status).toBe(200);
    expect((await demo.call('/customers/77')).status).toBe(404);
    expect((await demo.call('/customers/abc')).status).toBe(400);
    expect((await demo.call('/policies/P-000123')).status).toBe(200);
    expect((await demo.call('/nowhere/42')).status).toBe(404);
    expect((await flip(demo, route, { stage: 'shadow' })).status).toBe(200);
    for (const id of ['1', '2', '3']) expect((await demo.call(`/customers/${id}`)).status).toBe(200);
    await expect
      .poll(async () => sumOf((await scrape(demo.gateway.adminUrl)).samples, 'ficus_shadow_comparisons_total', { route }), { timeout: 5_000 })
      .toBe(3);
    expect((await flip(demo, route, { stage: 'canary', percent: 25 })).status).toBe(200);

    const { contentType, samples } = await scrape(demo.gateway.adminUrl);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    // Requests by route, target and status, with their latency.
    expect(valueOf(samples, 'ficus_requests_total', { route, target: 'legacy', status: '200' })).toBe(4);
    expect(valueOf(samples, 'ficus_requests_total', { route, target: 'legacy', status: '404' })).toBe(1);
    expect(valueOf(samples, 'ficus_requests_total', { route, target: 'none', status: '400' })).toBe(1);
    expect(valueOf(samples, 'ficus_requests_total', { route: 'policies.getPolicy', target: 'legacy', status: '200' })).toBe(1);
    expect(valueOf(samples, 'ficus_requests_total', { route: 'none', target: 'none', status: '404' })).toBe(1);
    expect(valueOf(samples, 'ficus_request_duration_seconds_count', { route, target: 'legacy', status: '200' })).toBe(4);
    expect(valueOf(samples, 'ficus_request_duration_seconds_bucket', { route, target: 'legacy', status: '200', le: '+Inf' })).toBe(4);

    // Upstream calls (one per attempt) by upstream, operation and outcome.
    expect(valueOf(samples, 'ficus_upstream_calls_total', { upstream: 'crm', operation: 'GetCustomerDetails', outcome: 'ok' })).toBe(4);
    expect(valueOf(samples, 'ficus_upstream_calls_total', { upstream: 'crm', operation: 'GetCustomerDetails', outcome: 'client_error' })).toBe(1);
    expect(valueOf(samples, 'ficus_upstream_calls_total', { upstream: 'policy', operation: 'GetPolicy', outcome: 'ok' })).toBe(1);
    expect(valueOf(samples, 'ficus_upstream_calls_total', { upstream: 'customer-service', operation: route, outcome: 'ok' })).toBe(3);
    expect(valueOf(samples, 'ficus_upstream_call_duration_seconds_count', { upstream: 'crm', operation: 'GetCustomerDetails', outcome: 'ok' })).toBe(4);

    // Breakers, bulkheads, flags, shadow comparisons, configuration.
    expect(valueOf(samples, 'ficus_breaker_state', { upstream: 'crm', breaker: '*' })).toBe(0);
    expect(valueOf(samples, 'ficus_bulkhead_in_use', { upstream: 'crm' })).toBe(0);
    expect(valueOf(samples, 'ficus_bulkhead_queued', { upstream: 'policy' })).toBe(0);
    expect(valueOf(samples, 'ficus_route_flag', { route, stage: 'canary' })).toBe(1);
    expect(valueOf(samples, 'ficus_route_flag', { route, stage: 'legacy' })).toBe(0);
    expect(valueOf(samples, 'ficus_route_flag', { route: 'policies.getPolicy', stage: 'legacy' })).toBe(1);
    expect(valueOf(samples, 'ficus_route_canary_percent', { route })).toBe(25);
    expect(valueOf(samples, 'ficus_route_canary_percent', { route: 'policies.getPolicy' })).toBe(0);
    const compared = ['matched', 'mismatched'].map((outcome) => valueOf(samples, 'ficus_shadow_comparisons_total', { route, outcome }) ?? 0);
    expect(compared[0]! + compared[1]!).toBe(3);
    expect(valueOf(samples, 'ficus_config_version')).toBe(1);
    expect(valueOf(samples, 'ficus_config_reload_failures_total')).toBe(0);

    // Node.js process metrics, prefixed too.
    expect(valueOf(samples, 'ficus_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name.startsWith('ficus_nodejs_eventloop_lag'))).toBe(true);
    expect(samples.every((sample) => sample.name.startsWith('ficus_'))).toBe(true);

    // Bounded labels: configured names only, never a raw path or an id from one.
    const routes = new Set(['none', ...demo.gateway.config.mappings.routes.map((candidate) => candidate.id)]);
    const upstreams = new Set(Object.keys(demo.gateway.config.loaded.gateway.upstreams));
    for (const sample of samples) expectBounded(sample, routes, upstreams);
  });
});

function expectBounded(sample: Sample, routes: ReadonlySet<string>, upstreams: ReadonlySet<string>): void {
  const { route, upstream, status } = sample.labels;
  if (route !== undefined) expect(routes, sample.name).toContain(route);
  if (upstream !== undefined) expect(upstreams, sample.name).toContain(upstream);
  if (status !== undefined) expect(status).toMatch(/^\d{3}$/);
  for (const [name, value] of Object.entries(sample.labels)) {
    if (name === 'le' || name === 'version') continue;
    expect(value, `${sample.name}{${name}}`).not.toMatch(/\/|\b(23|77|abc|42|P-000123)\b/);
  }
}

describe('GET /metrics with failing upstreams', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    upstream = await startFakeUpstream('/crm');
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });
  afterAll(async () => {
    await upstream.close();
  });

  const serverFault = soap11('<soap:Fault><faultcode>soap:Server</faultcode><faultstring>down</faultstring></soap:Fault>');
  const start = (crmPolicy: string[]): Promise<RunningGateway> =>
    startTestGateway(writeConfigFixture({ crmEndpoint: upstream.url, crmPolicy: ['outlierDetection: { enabled: false }', ...crmPolicy] }));

  it('counts retries, attempts refused by an open breaker, and breaker transitions', async () => {
    gateway = await start([
      'retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 1, budget: { percent: 100, minRetriesPerSecond: 100 } }',
      'breaker: { volumeThreshold: 2, errorThresholdPercent: 50, resetTimeoutMs: 60000 }',
    ]);
    upstream.respond((_request, response) => response.writeHead(500, { 'content-type': 'text/xml' }).end(serverFault));
    expect((await fetch(`${gateway.domainUrl}/customers/5`)).status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`${gateway.domainUrl}/customers/5`)).status).toBe(503);
    const { samples } = await scrape(gateway.adminUrl);
    const calls = { upstream: 'crm', operation: 'GetCustomerDetails' };
    expect(valueOf(samples, 'ficus_upstream_calls_total', { ...calls, outcome: 'server_error' })).toBe(2);
    expect(valueOf(samples, 'ficus_upstream_calls_total', { ...calls, outcome: 'breaker_open' })).toBe(1);
    expect(valueOf(samples, 'ficus_upstream_retries_total', { upstream: 'crm' })).toBe(1);
    expect(valueOf(samples, 'ficus_breaker_state', { upstream: 'crm', breaker: '*' })).toBe(2);
    expect(valueOf(samples, 'ficus_breaker_transitions_total', { upstream: 'crm', breaker: '*', to: 'open' })).toBe(1);
  });

  it('counts retries refused by a spent budget, and calls the bulkhead refused', async () => {
    gateway = await start([
      'retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 1, budget: { percent: 0, minRetriesPerSecond: 0 } }',
      'breaker: { enabled: false }',
      'bulkhead: { maxConcurrent: 1, maxQueue: 0 }',
    ]);
    upstream.respond((_request, response) => response.writeHead(500, { 'content-type': 'text/xml' }).end(serverFault));
    await fetch(`${gateway.domainUrl}/customers/5`);
    upstream.respond((_request, response) => {
      setTimeout(() => response.writeHead(200, { 'content-type': 'text/xml' }).end(soap11(customerXml())), 300);
    });
    const statuses = await Promise.all([fetch(`${gateway.domainUrl}/customers/5`), fetch(`${gateway.domainUrl}/customers/5`)].map(async (call) => (await call).status));
    expect(statuses.sort()).toEqual([200, 503]);
    const { samples } = await scrape(gateway.adminUrl);
    expect(valueOf(samples, 'ficus_upstream_retry_budget_exhausted_total', { upstream: 'crm' })).toBe(1);
    expect(valueOf(samples, 'ficus_upstream_retries_total', { upstream: 'crm' })).toBeUndefined();
    expect(valueOf(samples, 'ficus_bulkhead_rejected_total', { upstream: 'crm', reason: 'full' })).toBe(1);
    expect(valueOf(samples, 'ficus_requests_total', { route, target: 'legacy', status: '503' })).toBe(1);
  });
});
