import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConsistentHashBalancer,
  LeastOutstandingBalancer,
  RandomBalancer,
  RoundRobinBalancer,
  WeightedRoundRobinBalancer,
  type Balancer,
} from '../../../src/upstream/balancers/index.js';

interface Fake {
  url: string;
  weight: number;
  outstanding: number;
}

const endpoints = (count: number, weights: number[] = []): Fake[] =>
  Array.from({ length: count }, (_, index) => ({ url: `http://10.0.0.${index + 1}:8080/crm`, weight: weights[index] ?? 1, outstanding: 0 }));

/** A seeded generator (mulberry32), so distributions are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tally(balancer: Balancer, candidates: Fake[], picks: number, key?: (index: number) => string): Map<string, number> {
  const counts = new Map(candidates.map((candidate) => [candidate.url, 0]));
  for (let index = 0; index < picks; index++) {
    const chosen = balancer.pick(candidates, { hashKey: key?.(index) });
    counts.set(chosen.url, counts.get(chosen.url)! + 1);
  }
  return counts;
}

describe('round robin', () => {
  it('gives every endpoint exactly its turn, weights ignored', () => {
    const candidates = endpoints(3, [5, 1, 1]);
    expect([...tally(new RoundRobinBalancer(), candidates, 300).values()]).toEqual([100, 100, 100]);
  });
});

describe('smooth weighted round robin', () => {
  it('interleaves by weight like nginx: 5, 1, 1 -> a a b a c a a', () => {
    const [a, b, c] = endpoints(3, [5, 1, 1]) as [Fake, Fake, Fake];
    const balancer: Balancer = new WeightedRoundRobinBalancer();
    const sequence = Array.from({ length: 7 }, () => balancer.pick([a, b, c], {}));
    expect(sequence).toEqual([a, a, b, a, c, a, a]);
  });

  it('gives each endpoint exactly its weighted share', () => {
    const candidates = endpoints(3, [3, 2, 1]);
    expect([...tally(new WeightedRoundRobinBalancer(), candidates, 600).values()]).toEqual([300, 200, 100]);
  });
});

describe('least outstanding (power of two choices)', () => {
  it('never picks the busiest of the two it compares', () => {
    const candidates = endpoints(4);
    candidates[2]!.outstanding = 10;
    const counts = tally(new LeastOutstandingBalancer(seeded(1)), candidates, 3_000);
    // With four endpoints, the busy one is always compared with an idle one and loses.
    expect(counts.get(candidates[2]!.url)).toBe(0);
    for (const index of [0, 1, 3]) expect(counts.get(candidates[index]!.url)).toBeGreaterThan(800);
  });

  it('spreads evenly when the load is even, and counts load per unit of weight', () => {
    const even = tally(new LeastOutstandingBalancer(seeded(2)), endpoints(2), 2_000);
    for (const count of even.values()) expect(count).toBeGreaterThan(850);
    const [light, heavy] = endpoints(2, [1, 4]) as [Fake, Fake];
    light.outstanding = 2;
    heavy.outstanding = 4; // 1 per unit of weight: less loaded than the light one's 2
    const balancer: Balancer = new LeastOutstandingBalancer(seeded(3));
    expect(balancer.pick([light, heavy], {})).toBe(heavy);
  });
});

describe('random', () => {
  it('picks in proportion to weight', () => {
    const candidates = endpoints(3, [1, 2, 3]);
    const counts = [...tally(new RandomBalancer(seeded(4)), candidates, 6_000).values()];
    counts.forEach((count, index) => expect(Math.abs(count - 1_000 * (index + 1))).toBeLessThan(150));
  });
});

describe('consistent hashing', () => {
  const keys = Array.from({ length: 10_000 }, (_, index) => `customer-${index}`);
  const assign = (balancer: Balancer, candidates: Fake[]) => new Map(keys.map((key) => [key, balancer.pick(candidates, { hashKey: key }).url]));

  it('sends one key to one endpoint, and spreads keys evenly', () => {
    const balancer = new ConsistentHashBalancer();
    const candidates = endpoints(5);
    expect(balancer.pick(candidates, { hashKey: 'customer-42' })).toBe(balancer.pick([...candidates].reverse(), { hashKey: 'customer-42' }));
    const counts = tally(balancer, candidates, keys.length, (index) => keys[index]!);
    for (const count of counts.values()) expect(Math.abs(count - 2_000)).toBeLessThan(250);
  });

  it('moves only the keys of an endpoint that leaves, and only 1/n of the keys to one that joins', () => {
    const balancer = new ConsistentHashBalancer();
    const six = endpoints(6);
    const five = six.slice(0, 5);
    const before = assign(balancer, five);
    const leaving = five[1]!;
    const after = assign(balancer, five.filter((endpoint) => endpoint !== leaving));
    const wronglyMoved = keys.filter((key) => before.get(key) !== leaving.url && after.get(key) !== before.get(key));
    const stranded = keys.filter((key) => after.get(key) === leaving.url);
    expect(wronglyMoved).toEqual([]);
    expect(stranded).toEqual([]);
    const joined = assign(balancer, six);
    const moved = keys.filter((key) => joined.get(key) !== before.get(key));
    expect(moved.every((key) => joined.get(key) === six[5]!.url)).toBe(true);
    expect(Math.abs(moved.length - keys.length / 6)).toBeLessThan(300);
  });

  it('property: removing any endpoint never moves a key that was not on it', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 50 }), fc.integer({ min: 2, max: 8 }), fc.nat(), (someKeys, count, removed) => {
        const balancer = new ConsistentHashBalancer();
        const all = endpoints(count);
        const gone = all[removed % count]!;
        const rest = all.filter((endpoint) => endpoint !== gone);
        for (const key of someKeys) {
          const before = balancer.pick(all, { hashKey: key });
          if (before !== gone) expect(balancer.pick(rest, { hashKey: key })).toBe(before);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives an endpoint of weight 2 about twice the keys', () => {
    const candidates = endpoints(3, [1, 1, 2]);
    const counts = [...tally(new ConsistentHashBalancer(), candidates, keys.length, (index) => keys[index]!).values()];
    expect(Math.abs(counts[2]! - 5_000)).toBeLessThan(300);
  });

  it('picks at random when the call has no key', () => {
    const counts = tally(new ConsistentHashBalancer(seeded(5)), endpoints(2), 1_000);
    for (const count of counts.values()) expect(count).toBeGreaterThan(400);
  });
});
