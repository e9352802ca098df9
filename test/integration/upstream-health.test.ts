import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningStub } from '../../legacy-stubs/index.js';
import type { Upstream } from '../../src/upstream/index.js';
import { attempt, clearFaults, endpointOf, getCustomer, injectFault, upstreamOf, useCrmStubs } from '../support/upstreams.js';

/**
 * Endpoint health against real stubs: passive outlier ejection and return, active checks (HTTP GET
 * and a SOAP operation), and the panic threshold.
 */
const crm = useCrmStubs(2);
let a: RunningStub;
let b: RunningStub;
beforeAll(() => {
  [a, b] = crm.stubs as [RunningStub, RunningStub];
});

/**
 * Sends `count` calls one after the other; returns how many each stub answered (by the reply's
 * endpoint: the stubs' own counters also see the health checks).
 */
async function spread(target: Upstream, count: number): Promise<number[]> {
  const answered = [0, 0];
  for (let i = 0; i < count; i++) {
    const { reply } = await attempt(target, getCustomer());
    const index = [a.url, b.url].indexOf(reply?.endpoint ?? '');
    if (index >= 0) answered[index]!++;
  }
  return answered;
}

const isolated = { retry: { maxAttempts: 1 }, breaker: { enabled: false } };

describe('outlier ejection', () => {
  it('ejects an endpoint after consecutive server faults, and takes it back when its time is up', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url, b.url],
      ...isolated,
      outlierDetection: { consecutiveFailures: 3, baseEjectionMs: 400 },
    }));
    await injectFault(a, { kind: 'server-fault' });
    expect(await spread(upstream, 6)).toEqual([3, 3]);
    expect(endpointOf(upstream.snapshot(), a.url)).toMatchObject({ ejected: true, ejections: 1 });
    expect(await spread(upstream, 6)).toEqual([0, 6]);

    await clearFaults(a);
    await expect.poll(() => endpointOf(upstream.snapshot(), a.url).ejected, { timeout: 3_000, interval: 25 }).toBe(false);
    expect(await spread(upstream, 4)).toEqual([2, 2]);
  });

  it('counts connection resets, and never ejects past maxEjectionPercent', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url, b.url],
      ...isolated,
      outlierDetection: { consecutiveFailures: 2, baseEjectionMs: 10_000, maxEjectionPercent: 50 },
    }));
    await Promise.all([injectFault(a, { kind: 'reset' }), injectFault(b, { kind: 'reset' })]);
    await spread(upstream, 8);
    const endpoints = upstream.snapshot().endpoints;
    expect(endpoints.filter((endpoint) => endpoint.ejected)).toHaveLength(1);
  });
});

describe('active health checks', () => {
  it('take an endpoint that fails its HTTP GET out of balancing, and back when it passes again', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url, b.url],
      ...isolated,
      healthCheck: { path: '?wsdl', intervalMs: 40, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 2 },
    }));
    await expect.poll(() => endpointOf(upstream.snapshot(), a.url).lastCheck?.ok, { timeout: 2_000 }).toBe(true);
    await injectFault(a, { kind: 'http-500' });
    await expect.poll(() => endpointOf(upstream.snapshot(), a.url).healthy, { timeout: 3_000, interval: 20 }).toBe(false);
    expect(endpointOf(upstream.snapshot(), a.url).lastCheck).toMatchObject({ ok: false, detail: 'HTTP 500' });
    expect(await spread(upstream, 4)).toEqual([0, 4]);

    await clearFaults(a);
    await expect.poll(() => endpointOf(upstream.snapshot(), a.url).healthy, { timeout: 3_000, interval: 20 }).toBe(true);
    expect((await spread(upstream, 4))[0]).toBeGreaterThan(0);
  });

  it('can call a cheap SOAP operation, and time a check out', async () => {
    const probe = getCustomer('00000001');
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url, b.url],
      ...isolated,
      healthCheck: {
        method: 'POST',
        headers: probe.headers,
        body: probe.body,
        intervalMs: 40,
        timeoutMs: 150,
        unhealthyThreshold: 1,
        healthyThreshold: 1,
      },
    }));
    await injectFault(a, { kind: 'server-fault', operation: 'GetCustomerDetails' });
    await injectFault(b, { kind: 'hang' });
    await expect.poll(() => upstream.snapshot().endpoints.map((endpoint) => endpoint.healthy), { timeout: 3_000, interval: 20 }).toEqual([false, false]);
    expect(endpointOf(upstream.snapshot(), a.url).lastCheck?.detail).toBe('HTTP 500');
    expect(endpointOf(upstream.snapshot(), b.url).lastCheck?.detail).toBe('timeout');
  });

  it('balance over all endpoints in panic (too few healthy) rather than fail every call', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url, b.url],
      ...isolated,
      panicThresholdPercent: 50,
      healthCheck: { path: '/not-the-service', intervalMs: 40, timeoutMs: 500, unhealthyThreshold: 1 },
    }));
    // Both fail their checks (404), but both still answer calls.
    await expect.poll(() => upstream.snapshot().panic, { timeout: 3_000, interval: 20 }).toBe(true);
    expect(await spread(upstream, 4)).toEqual([2, 2]);
  });
});
