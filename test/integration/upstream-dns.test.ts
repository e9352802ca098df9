import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCustomerStub, type RunningStub } from '../../legacy-stubs/index.js';
import type { Upstream } from '../../src/upstream/index.js';
import { findDnsmasq, startDnsmasq, type DnsServer } from '../support/dnsmasq.js';
import { attempt, callsOf, clearFaults, getCustomer, injectFault, upstreamOf } from '../support/upstreams.js';

/**
 * DNS discovery against a real DNS server (dnsmasq) on loopback: A records that change at run time
 * (without dropping the calls in flight on the endpoint that left), and SRV records with ports and
 * weights.
 */
const dnsmasq = findDnsmasq();
if (!dnsmasq) {
  console.warn(
    '\n*** SKIPPING the DNS discovery tests: dnsmasq is not installed. `.ci/run` installs it (apt-get install dnsmasq-base). ***\n',
  );
}

describe.skipIf(!dnsmasq)('DNS discovery', () => {
  let a: RunningStub;
  let b: RunningStub;
  let port: number;
  let dns: DnsServer;
  let upstream: Upstream | undefined;

  beforeAll(async () => {
    // Two instances on one port, at two loopback addresses: as two pods behind a headless service.
    a = await startCustomerStub({ host: '127.0.0.1' });
    port = Number(new URL(a.url).port);
    b = await startCustomerStub({ host: '127.0.0.2', port });
    dns = await startDnsmasq(dnsmasq!, ['127.0.0.1 crm.ficus.test', '127.0.0.1 crm-a.ficus.test', '127.0.0.2 crm-b.ficus.test']);
  });
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
    await Promise.all([clearFaults(a), clearFaults(b)]);
  });
  afterAll(async () => {
    await dns?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('follows a changed A record, and lets the calls in flight on the old endpoint finish', async () => {
    upstream = upstreamOf('crm', {
      dns: { name: 'crm.ficus.test', port, path: '/crm', servers: [dns.address], intervalMs: 100, timeoutMs: 500 },
      retry: { maxAttempts: 1 },
    });
    const first = await attempt(upstream, getCustomer());
    expect(first.reply?.status).toBe(200);
    expect(first.reply?.endpoint).toBe(a.url);
    expect(upstream.snapshot().discovery).toMatchObject({ kind: 'dns', name: 'crm.ficus.test', records: 'A', lastError: null });

    // A call in flight on A while the record moves to B.
    await injectFault(a, { kind: 'server-fault', latencyMs: 2_000, errorRate: 0 });
    const callsBefore = callsOf([a, b]);
    const inFlight = attempt(upstream, getCustomer());
    await expect.poll(() => a.faults.counters.calls).toBe(callsBefore[0]! + 1);

    await dns.setHosts(['127.0.0.2 crm.ficus.test', '127.0.0.1 crm-a.ficus.test', '127.0.0.2 crm-b.ficus.test']);
    await expect.poll(() => upstream!.snapshot().endpoints.map((endpoint) => endpoint.url), { timeout: 3_000, interval: 25 }).toEqual([b.url]);
    expect(upstream.snapshot().draining).toBe(1); // A is retiring, not dropped

    const next = await attempt(upstream, getCustomer());
    expect(next.reply?.endpoint).toBe(b.url);

    const finished = await inFlight;
    expect(finished.reply?.status).toBe(200);
    expect(finished.reply?.endpoint).toBe(a.url);
    await expect.poll(() => upstream!.snapshot().draining, { timeout: 2_000 }).toBe(0); // then its pool closed
    expect(a.faults.counters.abandoned).toBe(0);
  });

  it('reads SRV records (ports and weights) and follows their changes', async () => {
    await dns.restart([
      { name: '_crm._tcp.ficus.test', target: 'crm-a.ficus.test', port, weight: 1 },
      { name: '_crm._tcp.ficus.test', target: 'crm-b.ficus.test', port, weight: 3 },
      { name: '_crm._tcp.ficus.test', target: 'crm-a.ficus.test', port: 9, priority: 10 }, // a backup, not used
    ]);
    upstream = upstreamOf('crm', {
      dns: { name: '_crm._tcp.ficus.test', records: 'SRV', path: '/crm', servers: [dns.address], intervalMs: 100, timeoutMs: 500 },
      balancer: 'weighted-round-robin',
      retry: { maxAttempts: 1 },
    });
    const before = callsOf([a, b]);
    for (let i = 0; i < 8; i++) expect((await attempt(upstream, getCustomer())).reply?.status).toBe(200);
    expect(callsOf([a, b]).map((calls, index) => calls - before[index]!)).toEqual([2, 6]);
    expect(upstream.snapshot().endpoints.map(({ url, weight }) => ({ url, weight }))).toEqual([
      { url: a.url, weight: 1 },
      { url: b.url, weight: 3 },
    ]);

    await dns.restart([{ name: '_crm._tcp.ficus.test', target: 'crm-a.ficus.test', port, weight: 5 }]);
    await expect.poll(() => upstream!.snapshot().endpoints.map(({ url, weight }) => ({ url, weight })), { timeout: 3_000, interval: 25 }).toEqual([
      { url: a.url, weight: 5 },
    ]);
  });

  it('keeps the last known endpoints when a lookup fails', async () => {
    upstream = upstreamOf('crm', {
      dns: { name: 'crm-a.ficus.test', port, path: '/crm', servers: [dns.address], intervalMs: 100, timeoutMs: 300 },
      retry: { maxAttempts: 1 },
    });
    expect((await attempt(upstream, getCustomer())).reply?.endpoint).toBe(a.url);
    await dns.setHosts(['127.0.0.2 crm-b.ficus.test']); // crm-a is gone: NXDOMAIN
    await expect.poll(() => (upstream!.snapshot().discovery as { lastError: string | null }).lastError, { timeout: 3_000, interval: 25 }).toBe('ENOTFOUND');
    expect((await attempt(upstream, getCustomer())).reply?.endpoint).toBe(a.url);
    await dns.setHosts(['127.0.0.1 crm.ficus.test', '127.0.0.1 crm-a.ficus.test', '127.0.0.2 crm-b.ficus.test']);
  });
});
