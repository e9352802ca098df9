import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerStub, startPolicyStub, type RunningStub } from '../../legacy-stubs/index.js';
import type { RunningGateway } from '../../src/gateway.js';
import { getJson, injectFault, startProtectedGateway } from '../support/upstreams.js';

/**
 * Bulkhead isolation through the gateway: the CRM is made slow; its bulkhead caps the calls to it
 * and refuses the overflow at once with 503 + Retry-After, while the policy routes keep their
 * latency and success rate. Bounded load (16 + 10 calls) on loopback.
 */
let crm: RunningStub;
let policy: RunningStub;
let gateway: RunningGateway;

beforeAll(async () => {
  [crm, policy] = await Promise.all([startCustomerStub(), startPolicyStub()]);
  gateway = await startProtectedGateway(
    { crm, policy },
    {
      crm: ['timeoutMs: 4000', 'bulkhead: { maxConcurrent: 2, maxQueue: 2, queueTimeoutMs: 200 }', 'retry: { maxAttempts: 1 }'],
    },
  );
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([crm?.close(), policy?.close()]);
});

const policyCall = () => getJson(`${gateway.domainUrl}/policies/P-000123`);

describe('the bulkhead', () => {
  it('isolates a slow upstream: overflow is refused at once, the other upstream is untouched', async () => {
    for (let i = 0; i < 3; i++) expect((await policyCall()).status).toBe(200); // warm up
    await injectFault(crm, { kind: 'server-fault', latencyMs: 1_500, errorRate: 0 }); // slow but correct
    const crmCallsBefore = crm.faults.counters.calls;

    const slow = Array.from({ length: 16 }, () => getJson(`${gateway.domainUrl}/customers/1`));
    await expect.poll(() => crm.faults.counters.calls - crmCallsBefore).toBe(2);
    const crmBulkhead = async () =>
      ((await getJson(`${gateway.adminUrl}/admin/upstreams`)).body['upstreams'] as Record<string, { bulkhead: unknown }>)['crm']?.bulkhead;
    expect(await crmBulkhead()).toMatchObject({ inUse: 2, maxConcurrent: 2 });

    const policyResults = [];
    for (let i = 0; i < 10; i++) policyResults.push(await policyCall());
    expect(await crmBulkhead()).toMatchObject({ inUse: 2 }); // the CRM was saturated all along
    const crmResults = await Promise.all(slow);

    // The policy routes kept their success rate and latency while the CRM was saturated.
    expect(policyResults.map((result) => result.status)).toEqual(Array(10).fill(200));
    expect(Math.max(...policyResults.map((result) => result.ms))).toBeLessThan(1_000); // generous: they take a few ms

    // The CRM got at most maxConcurrent calls; the rest were refused without reaching it.
    expect(crm.faults.counters.calls - crmCallsBefore).toBe(2);
    const ok = crmResults.filter((result) => result.status === 200);
    const refused = crmResults.filter((result) => result.status === 503);
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(14);
    for (const result of refused) {
      expect(result.body).toMatchObject({ type: 'urn:test:upstream-unavailable' });
      expect(result.headers.get('retry-after')).toBe('1');
    }
    // Twelve found the queue full and were answered at once; two waited out the queue timeout.
    expect(refused.filter((result) => result.ms < 1_000).length).toBeGreaterThanOrEqual(12);
    expect(Math.min(...ok.map((result) => result.ms))).toBeGreaterThanOrEqual(1_400);
  });
});
