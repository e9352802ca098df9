import { describe, expect, it } from 'vitest';
import { GatewayMetrics, forRequestLines, withRedaction, type MeasuredUpstreams } from '../../../src/telemetry/index.js';
import type { UpstreamEvent, UpstreamMeasurement } from '../../../src/upstream/index.js';
import { parseExposition, valueOf } from '../../support/prometheus.js';
import { captureLog } from '../../support/telemetry.js';

describe('logger', () => {
  it('never writes secrets: authorization, cookies, the override header, passwords, tokens, WS-Security settings', () => {
    const out = captureLog('info');
    out.logger.info({
      headers: { authorization: 'Bearer t0ken', cookie: 's=1', 'ficus-override': 'target=modern; sig=abc' },
      req: { headers: { 'proxy-authorization': 'Basic x' } },
      upstream: { security: { usernameToken: { username: 'u', password: 'pw-value-1' } }, password: 'pw-value-2' },
      token: 'tok-value-3',
    });
    const text = out.text();
    for (const secret of ['t0ken', 's=1', 'sig=abc', 'Basic x', 'pw-value', 'tok-value']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it("redacts the configured fields of a route's input, and keeps the rest", () => {
    const out = captureLog();
    const logger = withRedaction(out.logger, ['params.id', 'query.name', 'body.contacts.*.phone']);
    logger.child({ requestId: 'r' }).info({ input: { params: { id: '42' }, query: { name: 'Vogel', limit: '2' }, body: { contacts: { home: { phone: '0351' } } } }, authorization: 'x' });
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({
      requestId: 'r',
      input: { params: { id: '[redacted]' }, query: { name: '[redacted]', limit: '2' }, body: { contacts: { home: { phone: '[redacted]' } } } },
      authorization: '[redacted]',
    });
  });

  it('redacts secrets and the configured fields in the input of a request line', () => {
    const out = captureLog();
    const lines = forRequestLines(out.logger, ['params.id']);
    lines.info({ requestId: 'r', route: 'customers.get', status: 200, input: { params: { id: '42' }, query: { token: 'tok-value', apiKey: 'key-value', limit: '2' } } }, 'request');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({
      requestId: 'r',
      route: 'customers.get',
      status: 200,
      input: { params: { id: '[redacted]' }, query: { token: '[redacted]', apiKey: '[redacted]', limit: '2' } },
    });
  });
});

/** A registry stand-in whose events the test emits. */
function fakeUpstreams(): MeasuredUpstreams & { measure(measurement: UpstreamMeasurement): void; event(event: UpstreamEvent): void } {
  const measured: Array<(measurement: UpstreamMeasurement) => void> = [];
  const events: Array<(event: UpstreamEvent) => void> = [];
  return {
    onEvent: (listener) => events.push(listener),
    onMeasurement: (listener) => measured.push(listener),
    snapshot: () => ({}),
    measure: (measurement) => measured.forEach((listener) => listener(measurement)),
    event: (event) => events.forEach((listener) => listener(event)),
  };
}

describe('metrics', () => {
  it('count each upstream once however often a reload binds it, in a registry of their own', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const other = new GatewayMetrics({ processMetrics: false });
    const upstreams = fakeUpstreams();
    metrics.bind({ upstreams });
    metrics.bind({ upstreams });
    upstreams.measure({ kind: 'attempt', upstream: 'crm', operation: 'GetCustomerDetails', outcome: 'timeout', seconds: 0.2 });
    upstreams.measure({ kind: 'bulkhead-rejected', upstream: 'crm', reason: 'queue-timeout' });
    upstreams.event({ kind: 'breaker', upstream: 'crm', breaker: 'crm/GetCustomerDetails', from: 'closed', to: 'open' });
    metrics.configLoaded(3, new Date(1_000_000));
    metrics.reloadFailed();
    const samples = parseExposition(await metrics.render());
    expect(valueOf(samples, 'ficus_upstream_calls_total', { upstream: 'crm', operation: 'GetCustomerDetails', outcome: 'timeout' })).toBe(1);
    expect(valueOf(samples, 'ficus_upstream_call_duration_seconds_bucket', { outcome: 'timeout', le: '0.25' })).toBe(1);
    expect(valueOf(samples, 'ficus_upstream_call_duration_seconds_bucket', { outcome: 'timeout', le: '0.1' })).toBe(0);
    expect(valueOf(samples, 'ficus_bulkhead_rejected_total', { upstream: 'crm', reason: 'queue_timeout' })).toBe(1);
    expect(valueOf(samples, 'ficus_breaker_transitions_total', { upstream: 'crm', breaker: 'GetCustomerDetails', to: 'open' })).toBe(1);
    expect(valueOf(samples, 'ficus_config_version')).toBe(3);
    expect(valueOf(samples, 'ficus_config_loaded_timestamp_seconds')).toBe(1000);
    expect(valueOf(samples, 'ficus_config_reload_failures_total')).toBe(1);
    expect(valueOf(parseExposition(await other.render()), 'ficus_upstream_calls_total')).toBeUndefined();
  });
});
