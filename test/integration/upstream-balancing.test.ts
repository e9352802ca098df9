import { describe, expect, it } from 'vitest';
import type { Upstream } from '../../src/upstream/index.js';
import { attempt, callsOf, getCustomer, injectFault, upstreamOf, useCrmStubs } from '../support/upstreams.js';

/** Each balancer over three real stub instances of one upstream. */
const crm = useCrmStubs(3);
const stubs = crm.stubs;

/** Sends `count` calls, `concurrency` at a time; returns how many each stub got, and every status. */
async function load(target: Upstream, count: number, concurrency = 1, key?: (index: number) => string): Promise<{ calls: number[]; statuses: Set<number> }> {
  const before = callsOf(stubs);
  const statuses = new Set<number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const { reply, error } = await attempt(target, getCustomer('00000001', { hashKey: key?.(index) }));
      statuses.add(reply?.status ?? (error as { status?: number }).status ?? 0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls: callsOf(stubs).map((calls, index) => calls - before[index]!), statuses };
}

const upstreamWith = (balancer: string, endpoints: unknown[] = stubs.map((stub) => stub.url)) =>
  crm.use(upstreamOf('crm', { endpoints, balancer, retry: { maxAttempts: 1 } }));

describe('balancers over real endpoints', () => {
  it('round-robin: each in turn', async () => {
    const upstream = upstreamWith('round-robin');
    expect(await load(upstream, 9)).toEqual({ calls: [3, 3, 3], statuses: new Set([200]) });
  });

  it('weighted-round-robin: by weight (3, 1, 1)', async () => {
    const upstream = upstreamWith('weighted-round-robin', [{ url: stubs[0]!.url, weight: 3 }, stubs[1]!.url, stubs[2]!.url]);
    expect((await load(upstream, 10)).calls).toEqual([6, 2, 2]);
  });

  it('random: every endpoint gets a share', async () => {
    const upstream = upstreamWith('random');
    const { calls } = await load(upstream, 60);
    for (const count of calls) expect(count).toBeGreaterThan(5);
  });

  it('consistent-hash: one key always reaches one endpoint, many keys reach all', async () => {
    const upstream = upstreamWith('consistent-hash');
    const same = await load(upstream, 6, 1, () => 'customer-42');
    expect(same.calls.filter((count) => count > 0)).toHaveLength(1);
    const many = await load(upstream, 60, 1, (index) => `customer-${index}`);
    for (const count of many.calls) expect(count).toBeGreaterThan(5);
  });

  it('least-outstanding: a slow endpoint gets fewer calls under concurrency', async () => {
    const upstream = upstreamWith('least-outstanding');
    await injectFault(stubs[0]!, { kind: 'server-fault', latencyMs: 150, errorRate: 0 }); // slow but correct
    const { calls, statuses } = await load(upstream, 60, 6);
    expect(statuses).toEqual(new Set([200]));
    expect(calls[0]).toBeLessThan(calls[1]!);
    expect(calls[0]).toBeLessThan(calls[2]!);
  });
});
