import { describe, expect, it } from 'vitest';
import { upstreamConfigSchema } from '../../../src/config/gateway-config.js';

const issues = (value: unknown) => upstreamConfigSchema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('upstream policy in gateway.yaml', () => {
  it('has a sensible default for every field', () => {
    const config = upstreamConfigSchema.parse({ endpoints: ['http://127.0.0.1:8701/crm'] });
    expect(config).toMatchObject({
      balancer: 'round-robin',
      panicThresholdPercent: 50,
      outlierDetection: { enabled: true, consecutiveFailures: 5, baseEjectionMs: 30_000, maxEjectionMs: 300_000, maxEjectionPercent: 50 },
      breaker: { enabled: true, perOperation: false, volumeThreshold: 20, errorThresholdPercent: 50, windowMs: 10_000, windowBuckets: 10, resetTimeoutMs: 10_000 },
      bulkhead: { maxConcurrent: 100, maxQueue: 100, queueTimeoutMs: 1_000 },
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000, budget: { percent: 20, minRetriesPerSecond: 1, windowMs: 10_000 } },
    });
    expect(config.healthCheck).toBeUndefined();
    expect(config.retry.attemptTimeoutMs).toBeUndefined();
  });

  it('fills the defaults of a partly written section', () => {
    const config = upstreamConfigSchema.parse({
      endpoints: [{ url: 'http://a:1/crm', weight: 3 }, 'http://b:1/crm'],
      breaker: { volumeThreshold: 5 },
      healthCheck: { path: '?wsdl' },
      dns: undefined,
    });
    expect(config.breaker).toMatchObject({ volumeThreshold: 5, errorThresholdPercent: 50 });
    expect(config.healthCheck).toMatchObject({ method: 'GET', path: '?wsdl', intervalMs: 10_000, timeoutMs: 2_000, healthyThreshold: 2, unhealthyThreshold: 3 });
    expect(config.endpoints).toEqual([{ url: 'http://a:1/crm', weight: 3 }, 'http://b:1/crm']);
  });

  it('takes DNS discovery instead of a list, and says what is missing', () => {
    expect(upstreamConfigSchema.parse({ dns: { name: 'crm.internal', port: 8080, path: '/crm' } }).dns).toMatchObject({
      records: 'A',
      scheme: 'http',
      intervalMs: 30_000,
    });
    expect(issues({ dns: { name: 'crm.internal' } })).toEqual(['dns.port: A and AAAA records carry no port: set port']);
    expect(issues({ dns: { name: '_crm._tcp.internal', records: 'SRV' } })).toBeUndefined();
    expect(issues({})).toEqual(['endpoints: list at least one endpoint URL, or find them with dns']);
    expect(issues({ endpoints: ['http://a:1'], dns: { name: 'x', port: 1 } })).toEqual(['dns: use either endpoints or dns, not both']);
  });

  it('refuses unknown balancers and fields', () => {
    expect(issues({ endpoints: ['http://a:1'], balancer: 'fastest' })?.[0]).toMatch(/^balancer: /);
    expect(issues({ endpoints: ['http://a:1'], retry: { attempts: 3 } })?.[0]).toMatch(/^retry: /);
    expect(issues({ endpoints: ['ftp://a:1'] })).toEqual(['endpoints.0: only http and https endpoints are supported']);
  });
});
