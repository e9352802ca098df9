import { createSocket } from 'node:dgram';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningStub } from '../../legacy-stubs/index.js';
import { attempt, callsOf, getCustomer, injectFault, updateAddress, upstreamOf, useCrmStubs } from '../support/upstreams.js';

/**
 * Retries and deadlines against real stubs: idempotent calls only, transient failures only, within
 * the retry budget, never while the breaker is open, and a hung upstream cut at the deadline with
 * its connection really closed.
 */
const crm = useCrmStubs(2);
let a: RunningStub;
let b: RunningStub;
beforeAll(() => {
  [a, b] = crm.stubs as [RunningStub, RunningStub];
});

const quick = { baseDelayMs: 1, maxDelayMs: 5 };

describe('retries', () => {
  it('retry an idempotent call on a server fault, on another endpoint', async () => {
    const upstream = crm.use(upstreamOf('crm', { endpoints: [a.url, b.url], retry: { maxAttempts: 3, ...quick }, outlierDetection: { enabled: false } }));
    await injectFault(a, { kind: 'server-fault' });
    const before = callsOf([a, b]);
    const { reply } = await attempt(upstream, getCustomer());
    expect(reply?.status).toBe(200);
    expect(reply?.endpoint).toBe(b.url);
    expect(callsOf([a, b]).map((count, index) => count - before[index]!)).toEqual([1, 1]);
  });

  it('retry connection resets and attempt timeouts too', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url, b.url],
      timeoutMs: 3_000,
      retry: { maxAttempts: 2, attemptTimeoutMs: 200, ...quick },
      outlierDetection: { enabled: false },
    }));
    await injectFault(a, { kind: 'reset' });
    expect((await attempt(upstream, getCustomer())).reply?.endpoint).toBe(b.url);
    await injectFault(a, { kind: 'hang' });
    const abandoned = a.faults.counters.abandoned;
    const { reply } = await attempt(upstream, getCustomer());
    expect(reply?.endpoint).toBe(b.url);
    await expect.poll(() => a.faults.counters.abandoned, { timeout: 2_000 }).toBe(abandoned + 1);
  });

  it('stay within the retry budget: 10 failing calls make at most 2 retries at 20%', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url],
      retry: { maxAttempts: 3, ...quick, budget: { percent: 20, minRetriesPerSecond: 0 } },
      breaker: { enabled: false },
      outlierDetection: { enabled: false },
    }));
    await injectFault(a, { kind: 'server-fault' });
    const before = a.faults.counters.calls;
    for (let i = 0; i < 10; i++) expect((await attempt(upstream, getCustomer())).reply?.status).toBe(500);
    expect(a.faults.counters.calls - before).toBe(12);
    expect(upstream.snapshot().retry.budget).toMatchObject({ calls: 10, retries: 2, available: 0 });
  });

  it('never retry a call that is not idempotent', async () => {
    const upstream = crm.use(upstreamOf('crm', { endpoints: [a.url, b.url], retry: { maxAttempts: 5, ...quick }, outlierDetection: { enabled: false } }));
    await Promise.all([injectFault(a, { kind: 'server-fault' }), injectFault(b, { kind: 'server-fault' })]);
    const before = callsOf([a, b]);
    expect((await attempt(upstream, updateAddress())).reply?.status).toBe(500);
    await Promise.all([injectFault(a, { kind: 'reset' }), injectFault(b, { kind: 'reset' })]);
    expect((await attempt(upstream, updateAddress())).error?.slug).toBe('upstream-unreachable');
    const after = callsOf([a, b]);
    expect(after[0]! - before[0]! + (after[1]! - before[1]!)).toBe(2);
  });

  it('never retry while the breaker is open', async () => {
    const upstream = crm.use(upstreamOf('crm', {
      endpoints: [a.url],
      retry: { maxAttempts: 5, ...quick, budget: { minRetriesPerSecond: 100 } },
      breaker: { volumeThreshold: 2, resetTimeoutMs: 10_000 },
      outlierDetection: { enabled: false },
    }));
    await injectFault(a, { kind: 'server-fault' });
    const before = a.faults.counters.calls;
    // The second attempt opens the breaker: no third one.
    expect((await attempt(upstream, getCustomer())).reply?.status).toBe(500);
    expect(a.faults.counters.calls - before).toBe(2);
    expect((await attempt(upstream, getCustomer())).error?.slug).toBe('upstream-unavailable');
    expect(a.faults.counters.calls - before).toBe(2);
  });
});

describe('the deadline', () => {
  it('cuts a hung upstream with 504 and really closes the connection', async () => {
    const upstream = crm.use(upstreamOf('crm', { endpoints: [a.url], timeoutMs: 300, retry: { maxAttempts: 3, ...quick } }));
    await injectFault(a, { kind: 'hang' });
    const before = a.faults.counters;
    const started = performance.now();
    const { error } = await attempt(upstream, getCustomer());
    expect(error).toMatchObject({ slug: 'upstream-timeout', status: 504 });
    expect(performance.now() - started).toBeLessThan(2_000);
    // The stub sees the connection close: the socket was destroyed, not left to hang.
    await expect.poll(() => a.faults.counters.abandoned, { timeout: 2_000 }).toBe(before.abandoned + 1);
    // The deadline covers all attempts: nothing was retried after it.
    expect(a.faults.counters.calls - before.calls).toBe(1);
  });

  it('a route deadline (deadlineMs) replaces the upstream timeout', async () => {
    const upstream = crm.use(upstreamOf('crm', { endpoints: [a.url], timeoutMs: 10_000 }));
    await injectFault(a, { kind: 'hang' });
    const started = performance.now();
    expect((await attempt(upstream, getCustomer('00000001', { deadlineMs: 200 }))).error?.slug).toBe('upstream-timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('covers the wait for the first DNS answer: 504, and no breaker counts it', async () => {
    // A DNS server that never answers: the first lookup outlives the call's deadline.
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const dns = { name: 'crm.ficus.test', port: 1, path: '/crm', servers: [`127.0.0.1:${silent.address().port}`], timeoutMs: 5_000 };
      const upstream = crm.use(upstreamOf('crm', { dns, timeoutMs: 200, retry: { maxAttempts: 1 } }));
      const started = performance.now();
      const { error } = await attempt(upstream, getCustomer());
      expect(error).toMatchObject({ slug: 'upstream-timeout', status: 504 });
      expect(performance.now() - started).toBeLessThan(2_000);
      // The call went through the breaker (which exists from then on), and it counted no failure.
      expect(upstream.snapshot().breakers?.['*']?.window).toMatchObject({ calls: 1, failures: 0 });
    } finally {
      silent.close();
    }
  });

  it('covers the wait for a bulkhead slot: 504 when it passes there, a cancellation when the client leaves', async () => {
    const upstream = crm.use(upstreamOf('crm', { endpoints: [a.url], timeoutMs: 10_000, bulkhead: { maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 10_000 } }));
    await injectFault(a, { kind: 'hang' });
    const { calls } = a.faults.counters;
    const holder = new AbortController();
    const holding = attempt(upstream, getCustomer(), holder.signal); // takes the only slot, and hangs
    await expect.poll(() => upstream.snapshot().bulkhead.inUse).toBe(1);

    const started = performance.now();
    expect((await attempt(upstream, getCustomer('00000001', { deadlineMs: 200 }))).error).toMatchObject({ slug: 'upstream-timeout', status: 504 });
    expect(performance.now() - started).toBeLessThan(2_000);

    const client = new AbortController();
    const queued = attempt(upstream, getCustomer(), client.signal);
    await expect.poll(() => upstream.snapshot().bulkhead.queued).toBe(1);
    client.abort();
    expect((await queued).error?.slug).toBe('upstream-unreachable');
    expect(a.faults.counters.calls - calls).toBe(1); // only the holder reached the stub

    holder.abort();
    await holding;
  });

  it('a client that goes away cancels the call below', async () => {
    const upstream = crm.use(upstreamOf('crm', { endpoints: [a.url], timeoutMs: 10_000 }));
    await injectFault(a, { kind: 'hang' });
    const { abandoned, calls } = a.faults.counters;
    const controller = new AbortController();
    const pending = attempt(upstream, getCustomer(), controller.signal);
    await expect.poll(() => a.faults.counters.calls).toBe(calls + 1); // the stub holds the call
    expect(upstream.snapshot().endpoints[0]?.outstanding).toBe(1);
    controller.abort();
    expect((await pending).error?.slug).toBe('upstream-unreachable');
    await expect.poll(() => a.faults.counters.abandoned, { timeout: 2_000 }).toBe(abandoned + 1);
  });
});
