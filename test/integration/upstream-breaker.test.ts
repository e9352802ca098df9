import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyStub, type RunningStub } from '../../legacy-stubs/index.js';
import type { RunningGateway } from '../../src/gateway.js';
import type { Upstream } from '../../src/upstream/index.js';
import { attempt, clearFaults, getCustomer, getJson, injectFault, startProtectedGateway, upstreamOf, useCrmStubs } from '../support/upstreams.js';

/**
 * The circuit breaker against a real stub that fails and recovers: it opens on server faults
 * (and only on them), refuses at once while open with 503 + Retry-After, lets a limited trial
 * through when half-open, and closes when the stub is back.
 */
const stubs = useCrmStubs(1);
let crm: RunningStub;
beforeAll(() => {
  crm = stubs.stubs[0]!;
});

function protectedCrm(): Upstream {
  return stubs.use(upstreamOf('crm', {
    endpoints: [crm.url],
    timeoutMs: 2_000,
    breaker: { volumeThreshold: 4, errorThresholdPercent: 50, resetTimeoutMs: 300 },
    retry: { maxAttempts: 1 },
    outlierDetection: { enabled: false },
  }));
}

const breakerState = (target: Upstream) => target.snapshot().breakers?.['*']?.state;

describe('the breaker of an upstream', () => {
  it('opens on server faults, refuses at once while open, and goes half-open -> closed when the stub recovers', async () => {
    const upstream = protectedCrm();
    await injectFault(crm, { kind: 'server-fault' });
    for (let i = 0; i < 4; i++) {
      const { reply } = await attempt(upstream, getCustomer());
      expect(reply?.status).toBe(500); // the fault itself still reaches the target, which maps it
    }
    expect(breakerState(upstream)).toBe('open');

    const before = crm.faults.counters.calls;
    const refused = await attempt(upstream, getCustomer());
    expect(refused.error).toMatchObject({ slug: 'upstream-unavailable', status: 503 });
    expect(refused.error?.retryAfterSeconds).toBe(1);
    expect(crm.faults.counters.calls).toBe(before); // the stub never saw it

    await clearFaults(crm); // the stub recovers
    await expect.poll(() => breakerState(upstream), { timeout: 3_000, interval: 20 }).toBe('half-open');
    const trial = await attempt(upstream, getCustomer());
    expect(trial.reply?.status).toBe(200);
    expect(breakerState(upstream)).toBe('closed');
    expect((await attempt(upstream, getCustomer())).reply?.status).toBe(200);
    expect(upstream.snapshot().breakers?.['*']).toMatchObject({ opened: 1 });
  });

  it('lets only one trial through while half-open, and opens again when it fails', async () => {
    const upstream = protectedCrm();
    await injectFault(crm, { kind: 'http-500' });
    for (let i = 0; i < 4; i++) await attempt(upstream, getCustomer());
    expect(breakerState(upstream)).toBe('open');
    await expect.poll(() => breakerState(upstream), { timeout: 3_000, interval: 20 }).toBe('half-open');

    await injectFault(crm, { kind: 'http-500', latencyMs: 200 });
    const before = crm.faults.counters.calls;
    const results = await Promise.all(Array.from({ length: 5 }, () => attempt(upstream, getCustomer())));
    expect(crm.faults.counters.calls - before).toBe(1);
    expect(results.filter((result) => result.error?.slug === 'upstream-unavailable')).toHaveLength(4);
    expect(breakerState(upstream)).toBe('open');
  });

  it('stays closed on client faults: the upstream answered, the request was wrong', async () => {
    const upstream = protectedCrm();
    await injectFault(crm, { kind: 'client-fault' });
    for (let i = 0; i < 12; i++) expect((await attempt(upstream, getCustomer())).reply?.status).toBe(500);
    expect(breakerState(upstream)).toBe('closed');
    expect(upstream.snapshot().breakers?.['*']?.window).toMatchObject({ failures: 0, successes: 12 });
  });

  it('counts timeouts and resets as failures', async () => {
    const upstream = protectedCrm();
    await injectFault(crm, { kind: 'reset' });
    for (let i = 0; i < 4; i++) expect((await attempt(upstream, getCustomer())).error?.slug).toBe('upstream-unreachable');
    expect(breakerState(upstream)).toBe('open');
  });

  it('keeps one breaker per operation when perOperation is set', async () => {
    const upstream = stubs.use(
      upstreamOf('crm', {
        endpoints: [crm.url],
        breaker: { volumeThreshold: 2, perOperation: true, resetTimeoutMs: 10_000 },
        retry: { maxAttempts: 1 },
      }),
    );
    await injectFault(crm, { kind: 'server-fault', operation: 'GetCustomerDetails' });
    for (let i = 0; i < 2; i++) await attempt(upstream, getCustomer());
    const search = getCustomer('00000001', { operation: 'SearchCustomers' });
    expect((await attempt(upstream, search)).error).toBeUndefined(); // the stub answers by body, the breaker by operation
    expect(upstream.snapshot().breakers).toMatchObject({ GetCustomerDetails: { state: 'open' }, SearchCustomers: { state: 'closed' } });
  });
});

describe('through the gateway', () => {
  let policy: RunningStub;
  let gateway: RunningGateway;

  beforeAll(async () => {
    policy = await startPolicyStub();
    gateway = await startProtectedGateway(
      { crm, policy },
      { crm: ['breaker: { volumeThreshold: 3, resetTimeoutMs: 5000 }', 'retry: { maxAttempts: 1 }'] },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await policy?.close();
  });

  it('answers 503 problem+json upstream-unavailable with Retry-After while open, and shows it at /admin/upstreams', async () => {
    await injectFault(crm, { kind: 'garbage' });
    for (let i = 0; i < 3; i++) expect((await getJson(`${gateway.domainUrl}/customers/1`)).status).toBe(502);
    const open = await getJson(`${gateway.domainUrl}/customers/1`);
    expect(open.status).toBe(503);
    expect(open.headers.get('content-type')).toBe('application/problem+json');
    expect(open.body).toMatchObject({ type: 'urn:test:upstream-unavailable', status: 503 });
    expect(Number(open.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(open.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    expect(JSON.stringify(open.body)).not.toMatch(/ORA-|Injected/);

    // The other upstream's routes are not affected.
    expect((await getJson(`${gateway.domainUrl}/policies/P-000123`)).status).toBe(200);

    const admin = await getJson(`${gateway.adminUrl}/admin/upstreams`);
    expect(admin.status).toBe(200);
    const upstreams = admin.body['upstreams'] as Record<string, Record<string, unknown>>;
    expect(upstreams['crm']).toMatchObject({
      balancer: 'round-robin',
      discovery: { kind: 'static' },
      endpoints: [{ url: crm.url, healthy: true, ejected: false, outstanding: 0 }],
      breakers: { '*': { state: 'open', opened: 1, window: { failures: 3 } } },
      bulkhead: { inUse: 0, queued: 0, maxConcurrent: 100 },
      retry: { maxAttempts: 1, budget: { percent: 20 } },
    });
    expect(upstreams['policy']).toMatchObject({ breakers: { '*': { state: 'closed' } } });
  });
});
